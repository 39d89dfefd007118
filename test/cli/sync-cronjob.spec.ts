import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseSyncOptions } from '../../src/cli/sync-options';

/**
 * deploy/sync-cronjob.yaml: well-formed objects, read-only RBAC bound to the job's service account,
 * and a CronJob that runs `svcpath sync` once per run with the API key from a Secret.
 */
interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}
interface Binding extends Obj {
  roleRef: { kind: string; name: string };
  subjects: { kind: string; name: string; namespace: string }[];
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}
interface Container {
  command?: string[];
  args?: string[];
  env: EnvVar[];
  resources: unknown;
  securityContext: unknown;
}
interface PodSpec {
  serviceAccountName: string;
  securityContext: { runAsNonRoot?: boolean };
  containers: Container[];
}
interface CronJob extends Obj {
  spec: {
    schedule: string;
    concurrencyPolicy: string;
    jobTemplate: { spec: { activeDeadlineSeconds: number; template: { spec: PodSpec } } };
  };
}

const text = readFileSync(join(__dirname, '..', '..', 'deploy', 'sync-cronjob.yaml'), 'utf8');
const docs = parseAllDocuments(text);
const objects = docs.map((d) => d.toJS() as Obj);
const only = (kind: string) => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
};
const cronJob = () => only('CronJob') as CronJob;
const CLUSTER_SCOPED = ['Namespace', 'ClusterRole', 'ClusterRoleBinding'];

describe('deploy/sync-cronjob.yaml', () => {
  it('is valid YAML of the expected objects, each with apiVersion, kind and metadata.name', () => {
    expect(docs.flatMap((d) => d.errors)).toEqual([]);
    for (const o of objects) {
      expect(o.apiVersion, JSON.stringify(o)).toEqual(expect.any(String));
      expect(o.kind, JSON.stringify(o)).toEqual(expect.any(String));
      expect(o.metadata?.name, JSON.stringify(o)).toEqual(expect.any(String));
      if (!CLUSTER_SCOPED.includes(o.kind))
        expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toEqual(expect.any(String));
    }
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'CronJob',
      'Namespace',
      'Role',
      'RoleBinding',
      'ServiceAccount',
    ]);
  });

  it('grants only reads: list/get of the four kinds cluster-wide, get of the kube-proxy ConfigMap alone', () => {
    const clusterRules = only('ClusterRole').rules as Rule[];
    const role = only('Role');
    for (const rule of [...clusterRules, ...(role.rules as Rule[])]) {
      for (const verb of rule.verbs) expect(['get', 'list', 'watch'], JSON.stringify(rule)).toContain(verb);
    }
    const granted = clusterRules.flatMap((r) => r.resources.map((res) => `${r.apiGroups.join()}/${res}`)).sort();
    expect(granted).toEqual(['/nodes', '/pods', '/services', 'discovery.k8s.io/endpointslices']);
    expect(role.metadata.namespace).toBe('kube-system');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['kube-proxy'], verbs: ['get'] },
    ]);
  });

  it('binds both roles to the service account the job runs as', () => {
    const account = only('ServiceAccount');
    for (const [bindingKind, roleKind] of [
      ['ClusterRoleBinding', 'ClusterRole'],
      ['RoleBinding', 'Role'],
    ]) {
      const binding = only(bindingKind) as Binding;
      expect(binding.roleRef).toMatchObject({ kind: roleKind, name: only(roleKind).metadata.name });
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace },
      ]);
    }
    expect(cronJob().spec.jobTemplate.spec.template.spec.serviceAccountName).toBe(account.metadata.name);
  });

  it('runs `svcpath sync --cluster $(SVCPATH_CLUSTER_ID)` once per run, every 5 minutes, never two at a time, locked down', () => {
    expect(cronJob().metadata.namespace).toBe(only('ServiceAccount').metadata.namespace);
    expect(cronJob().spec).toMatchObject({ schedule: '*/5 * * * *', concurrencyPolicy: 'Forbid' });
    const job = cronJob().spec.jobTemplate.spec;
    expect(job.activeDeadlineSeconds).toBeGreaterThan(0);
    expect(job.activeDeadlineSeconds).toBeLessThan(300);
    const pod = job.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers).toHaveLength(1);
    const [container] = pod.containers;
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(container.resources).toMatchObject({
      requests: { cpu: expect.any(String), memory: expect.any(String) },
      limits: { cpu: expect.any(String), memory: expect.any(String) },
    });

    const command = [...(container.command ?? []), ...(container.args ?? [])];
    expect(command.slice(0, 2)).toEqual(['svcpath', 'sync']);
    expect(command[command.indexOf('--cluster') + 1]).toBe('$(SVCPATH_CLUSTER_ID)');
    expect(container.env.map((e) => e.name)).toContain('SVCPATH_CLUSTER_ID');

    // The command is one the CLI accepts once Kubernetes has expanded $(VAR), and it runs once.
    const envValues = {
      SVCPATH_CLUSTER_ID: '0b9f3c1e-1111-4d2a-9c3e-5f6a7b8c9d0e',
      SVCPATH_URL: 'https://svcpath.example.com',
      SVCPATH_API_KEY: 'svc_x',
    };
    const args = command
      .slice(2)
      .map((a) => a.replace(/\$\((\w+)\)/g, (_m, name: keyof typeof envValues) => envValues[name]));
    expect(parseSyncOptions(args, envValues)).toMatchObject({
      cluster: envValues.SVCPATH_CLUSTER_ID,
      everySeconds: undefined,
      kubeconfig: undefined,
    });
  });

  it('takes the API key from a Secret and the server from the environment', () => {
    const [container] = cronJob().spec.jobTemplate.spec.template.spec.containers;
    const env = new Map(container.env.map((e) => [e.name, e]));
    expect(env.get('SVCPATH_API_KEY')?.valueFrom?.secretKeyRef).toEqual({
      name: expect.any(String),
      key: expect.any(String),
    });
    expect(env.get('SVCPATH_API_KEY')?.value).toBeUndefined();
    expect(env.get('SVCPATH_URL')?.valueFrom?.configMapKeyRef).toEqual({
      name: expect.any(String),
      key: expect.any(String),
    });
    // The secret creation the header documents names the same Secret and key.
    const { name, key } = env.get('SVCPATH_API_KEY')!.valueFrom!.secretKeyRef!;
    expect(text).toContain(`create secret generic ${name} --from-literal=${key}=`);
  });
});
