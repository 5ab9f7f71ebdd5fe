import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import * as monitoringV1 from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { messageOf } from '@ledger/platform';
import type { Manifest } from '@ledger/testing';

interface ValidatingModel {
  validate(): void;
}
type ModelClass = new (data: never) => ValidatingModel;

/**
 * The models of every API group/version the chart may render, from the maintained kubernetes-models
 * packages (Kubernetes' OpenAPI schemas; the Prometheus Operator's CRD schemas). An object whose
 * apiVersion is not here has no schema to check against and is reported as such.
 */
const MODELS_BY_API_VERSION: Record<string, Record<string, unknown>> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'batch/v1': batchV1,
  'networking.k8s.io/v1': networkingV1,
  'policy/v1': policyV1,
  'autoscaling/v2': autoscalingV2,
  'monitoring.coreos.com/v1': monitoringV1,
};

function modelOf(manifest: Manifest): ModelClass | undefined {
  const model = MODELS_BY_API_VERSION[manifest.apiVersion]?.[manifest.kind];
  return typeof model === 'function' ? (model as ModelClass) : undefined;
}

/** Schema problems of one rendered object, e.g. `Deployment/ledger-command: data/spec/replicas must be integer`. */
export function schemaProblems(manifest: Manifest): string[] {
  const where = `${manifest.kind}/${manifest.metadata?.name}`;
  const Model = modelOf(manifest);
  if (!Model) return [`${where}: no schema for ${manifest.apiVersion} ${manifest.kind}`];
  try {
    new Model(manifest as never).validate();
    return [];
  } catch (error) {
    return [`${where}: ${messageOf(error)}`];
  }
}
