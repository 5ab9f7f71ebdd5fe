import { describeDeploymentSettings } from '@ledger/testing';
import { RelayConfig } from './relay.config';

describeDeploymentSettings('relay', RelayConfig);
