/**
 * Validates rendered objects against the Kubernetes OpenAPI schemas (the dev dependency
 * `kubernetes-models`): the kinds the chart renders, each with the model class of its apiVersion.
 */
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { KubeObject } from '../support/helm.js';

type Validator = (object: KubeObject) => void;

function validatorOf<T>(Model: new (data: T) => { validate(): void }): Validator {
  return (object) => new Model(object as T).validate();
}

const VALIDATORS: ReadonlyMap<string, Validator> = new Map([
  ['apps/v1/Deployment', validatorOf(Deployment)],
  ['apps/v1/StatefulSet', validatorOf(StatefulSet)],
  ['networking.k8s.io/v1/Ingress', validatorOf(Ingress)],
  ['policy/v1/PodDisruptionBudget', validatorOf(PodDisruptionBudget)],
  ['v1/ConfigMap', validatorOf(ConfigMap)],
  ['v1/PersistentVolumeClaim', validatorOf(PersistentVolumeClaim)],
  ['v1/Pod', validatorOf(Pod)],
  ['v1/Secret', validatorOf(Secret)],
  ['v1/Service', validatorOf(Service)],
  ['v1/ServiceAccount', validatorOf(ServiceAccount)],
]);

/** Throws when the object's kind is unknown here or the object does not match its schema. */
export function validateKubeObject(object: KubeObject): void {
  const validate = VALIDATORS.get(`${object.apiVersion}/${object.kind}`);
  if (validate === undefined) {
    throw new Error(`no schema for ${object.apiVersion} ${object.kind}; add it to kubernetes-validation.ts`);
  }
  try {
    validate(object);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${object.kind}/${object.metadata.name} is not a valid ${object.apiVersion} ${object.kind}: ${reason}`,
      {
        cause: error,
      },
    );
  }
}
