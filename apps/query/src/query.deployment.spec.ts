import { describeDeploymentSettings } from '@ledger/testing';
import { QueryConfig } from './query.config';

describeDeploymentSettings('query', QueryConfig);
