import { describeDeploymentSettings } from '@ledger/testing';
import { ProjectorConfig } from './projector.config';

describeDeploymentSettings('projector', ProjectorConfig);
