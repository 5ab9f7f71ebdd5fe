import { describeDeploymentSettings } from '@ledger/testing';
import { CommandConfig } from './command.config';

describeDeploymentSettings('command', CommandConfig);
