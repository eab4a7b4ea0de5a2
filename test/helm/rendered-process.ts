/**
 * What the kubelet would run for a rendered container, as a local process: the image entrypoint
 * (`freshet`, i.e. dist/cli/main.js) with the container's args, and its environment resolved the
 * way Kubernetes resolves it (`value` with `$(VAR)` expansion of earlier entries, `fieldRef` of the
 * pod IP, `secretKeyRef`/`configMapKeyRef` from the rendered Secrets and ConfigMaps).
 */
import { createServer } from 'node:net';
import type { IConfigMap, IContainer, ISecret } from 'kubernetes-models/v1';
import type { KubeObject } from '../support/helm.js';

export interface LocalProcess {
  /** Arguments for the `freshet` entrypoint. */
  readonly args: string[];
  readonly env: Record<string, string>;
}

/**
 * Kubernetes' `$(VAR)` expansion: a reference to a variable defined earlier is replaced, `$$` is
 * an escaped `$`, and a reference to an unknown variable stays as written.
 */
export function expandVariables(text: string, defined: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return '$';
    return defined.get(name) ?? match;
  });
}

/** The container as a local process; fails for anything the image would not run as `freshet <args>`. */
export function localProcessOf(
  container: IContainer,
  objects: readonly KubeObject[],
  pod: { readonly podIp: string },
): LocalProcess {
  if (container.command !== undefined) {
    throw new Error(
      `container ${container.name} overrides the image entrypoint: ${container.command.join(' ')}`,
    );
  }
  const env = new Map<string, string>();
  for (const entry of container.env ?? []) {
    env.set(entry.name, resolveEnvValue(entry, objects, pod, env));
  }
  return {
    args: (container.args ?? []).map((arg) => expandVariables(arg, env)),
    env: Object.fromEntries(env),
  };
}

type EnvVar = NonNullable<IContainer['env']>[number];

function resolveEnvValue(
  entry: EnvVar,
  objects: readonly KubeObject[],
  pod: { readonly podIp: string },
  defined: ReadonlyMap<string, string>,
): string {
  if (entry.valueFrom === undefined) return expandVariables(entry.value ?? '', defined);
  const { fieldRef, secretKeyRef, configMapKeyRef } = entry.valueFrom;
  if (fieldRef !== undefined) {
    if (fieldRef.fieldPath === 'status.podIP') return pod.podIp;
    throw new Error(`env ${entry.name}: fieldRef ${fieldRef.fieldPath} is not resolved by this test`);
  }
  if (secretKeyRef !== undefined) {
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === secretKeyRef.name) as
      ISecret | undefined;
    const encoded = secret?.data?.[secretKeyRef.key];
    if (encoded === undefined) {
      throw new Error(
        `env ${entry.name}: the chart renders no Secret ${secretKeyRef.name} with key ${secretKeyRef.key}`,
      );
    }
    return Buffer.from(encoded, 'base64').toString('utf8');
  }
  if (configMapKeyRef !== undefined) {
    const configMap = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === configMapKeyRef.name,
    ) as IConfigMap | undefined;
    const value = configMap?.data?.[configMapKeyRef.key];
    if (value === undefined)
      throw new Error(`env ${entry.name}: no ConfigMap ${configMapKeyRef.name}/${configMapKeyRef.key}`);
    return value;
  }
  throw new Error(`env ${entry.name}: unsupported valueFrom ${JSON.stringify(entry.valueFrom)}`);
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
