import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTenant, gql, startTestApp, TestApp, TestTenant } from '../support/test-app';

/**
 * NetworkPolicies written through the API decide the analyses (issue 14, the join with
 * forwarding): a KUBERNETES cluster with backends on node-1 and a client pod on node-2, behind a
 * NodePort Service (port 80 → the pods' named port http = 8080).
 */
let t: TestApp;
let tenant: TestTenant;
let clusterId: string;

const post = (path: string, body: object) =>
  t.http.post(`/v1/clusters/${clusterId}${path}`).set(bearer(tenant.apiKey)).send(body);

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t);
  clusterId = (
    await t.http
      .post('/v1/clusters')
      .set(bearer(tenant.apiKey))
      .send({ name: 'netpol-answers', clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] })
      .expect(201)
  ).body.id;
  await post('/nodes', { name: 'node-1', internalIps: ['192.168.0.1'], podCidrs: ['10.244.1.0/24'] }).expect(201);
  await post('/nodes', { name: 'node-2', internalIps: ['192.168.0.2'], podCidrs: ['10.244.2.0/24'] }).expect(201);
  for (const [name, ip] of [
    ['backend-a', '10.244.1.10'],
    ['backend-b', '10.244.1.11'],
  ]) {
    await post('/pods', {
      namespace: 'web',
      name,
      nodeName: 'node-1',
      ips: [ip],
      labels: { app: 'backend' },
      containerPorts: [{ name: 'http', containerPort: 8080 }],
    }).expect(201);
  }
  await post('/pods', {
    namespace: 'web',
    name: 'client',
    nodeName: 'node-2',
    ips: ['10.244.2.10'],
    labels: { app: 'client' },
  }).expect(201);
  await post('/services', {
    namespace: 'web',
    name: 'backend',
    type: 'NodePort',
    selector: { app: 'backend' },
    clusterIps: ['10.96.0.50'],
    ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }],
  }).expect(201);
});
afterAll(async () => t?.close());

interface Endpoint {
  ip: string;
  outcome: string;
  rule: string | null;
  policy?: {
    seenAs: string | null;
    ingress: {
      reason: string;
      policies: string[];
      allowedBy: { policy: string; direction: string; rule: number } | null;
    };
  };
}
interface Result {
  via: { kind: string; address: string };
  verdict: string;
  rule: string | null;
  endpoints: Endpoint[];
  path: { rule: string; description: string }[];
}

async function clusterIpAnswer(): Promise<{ result: Result; rules: string[] }> {
  const body = (
    await post('/reachability?detail=full', { client: { pod: 'web/client' }, service: 'web/backend' }).expect(200)
  ).body;
  return {
    result: (body.results as Result[]).find((r) => r.via.kind === 'CLUSTER_IP') as Result,
    rules: (body.rules as { id: string }[]).map((r) => r.id),
  };
}

describe('policies written through the API decide reachability and trace', () => {
  it('deny, allow by label on the named port, then enforcement off: each answer follows, naming policy and rule', async () => {
    const before = await clusterIpAnswer();
    expect(before.result.verdict).toBe('REACHABLE');
    expect(before.result.endpoints.every((e) => e.policy === undefined)).toBe(true);

    const deny = (
      await post('/networkpolicies', {
        namespace: 'web',
        name: 'deny',
        podSelector: { matchLabels: { app: 'backend' } },
        policyTypes: ['Ingress'],
      }).expect(201)
    ).body;
    const denied = await clusterIpAnswer();
    expect(denied.result.verdict).toBe('UNREACHABLE');
    expect(denied.result.rule).toBe('K8S-NETPOL-DENIED-INGRESS');
    expect(denied.result.endpoints[0]).toMatchObject({
      outcome: 'FAILS',
      rule: 'K8S-NETPOL-DENIED-INGRESS',
      policy: { seenAs: '10.244.2.10', ingress: { reason: 'DENIED_INGRESS', policies: ['web/deny'] } },
    });
    expect(denied.rules).toContain('K8S-NETPOL-DENIED-INGRESS');

    // The Service port is 80; the rule names the container port: the pods see 8080 after DNAT.
    await post('/networkpolicies', {
      namespace: 'web',
      name: 'allow-client',
      podSelector: { matchLabels: { app: 'backend' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 'http' }] }],
    }).expect(201);
    const allowed = await clusterIpAnswer();
    expect(allowed.result.verdict).toBe('REACHABLE');
    expect(allowed.result.endpoints[0].policy?.ingress).toMatchObject({
      reason: 'ALLOWED_BY_POLICY',
      allowedBy: { policy: 'web/allow-client', direction: 'Ingress', rule: 0 },
    });
    expect(allowed.result.path.find((s) => s.rule === 'K8S-NETPOL-ALLOWED')?.description).toContain(
      'web/allow-client ingress[0]',
    );

    // The trace of the same packet says the same, and GraphQL carries the policy fields.
    const trace = (
      await post('/trace', {
        source: { pod: 'web/client' },
        destination: { ip: '10.96.0.50', port: 80, protocol: 'TCP' },
      }).expect(200)
    ).body;
    expect(trace.connection).toBe('COMPLETES');
    expect(trace.endpoints.map((e: Endpoint) => e.policy?.ingress.reason)).toEqual([
      'ALLOWED_BY_POLICY',
      'ALLOWED_BY_POLICY',
    ]);
    const graph = await gql<{
      reachability: {
        results: {
          via: { kind: string };
          endpoints: {
            policy: {
              seenAs: string;
              egress: { reason: string };
              ingress: { reason: string; rule: string; allowedBy: { policy: string } };
            };
          }[];
        }[];
      };
    }>(
      t,
      tenant.apiKey,
      `query($c: String!, $input: ReachabilityInput!) { reachability(clusterId: $c, input: $input, detail: FULL) {
        results { via { kind } endpoints { policy { seenAs egress { reason } ingress { reason rule allowedBy { policy direction rule } } } } } } }`,
      { c: clusterId, input: { client: { pod: 'web/client' }, service: 'web/backend' } },
    );
    expect(graph.errors).toBeUndefined();
    const viaClusterIp = graph.data!.reachability.results.find((r) => r.via.kind === 'CLUSTER_IP')!;
    expect(viaClusterIp.endpoints[0].policy).toMatchObject({
      seenAs: '10.244.2.10',
      egress: { reason: 'NO_POLICY_SELECTS_POD' },
      ingress: { reason: 'ALLOWED_BY_POLICY', rule: 'K8S_NETPOL_ALLOWED', allowedBy: { policy: 'web/allow-client' } },
    });

    // A NodePort from outside is masqueraded (eTP Cluster) to node-2's address: no rule allows it.
    const outside = (
      await post('/reachability?detail=full', {
        client: { external: { network: 'PRIVATE', ip: '192.168.9.9' } },
        service: 'web/backend',
      }).expect(200)
    ).body;
    const viaNode2 = (outside.results as Result[]).find(
      (r) => r.via.kind === 'NODE_PORT' && r.via.address === '192.168.0.2',
    ) as Result;
    expect(viaNode2.verdict).toBe('UNREACHABLE');
    expect(viaNode2.endpoints[0].policy).toMatchObject({ seenAs: null, ingress: { reason: 'DENIED_INGRESS' } });
    // Through node-1 the backends' own node masquerades: the node exception lets it in.
    const viaNode1 = (outside.results as Result[]).find(
      (r) => r.via.kind === 'NODE_PORT' && r.via.address === '192.168.0.1',
    ) as Result;
    expect(viaNode1.verdict).toBe('REACHABLE');
    expect(viaNode1.endpoints[0].policy?.ingress.reason).toBe('NODE_EXCEPTION');

    // Enforcement off: stored, not enforced.
    await t.http
      .patch(`/v1/clusters/${clusterId}`)
      .set(bearer(tenant.apiKey))
      .send({ networkPolicyEnforced: false })
      .expect(200);
    await t.http.delete(`/v1/clusters/${clusterId}/networkpolicies/${deny.id}`).set(bearer(tenant.apiKey)).expect(204);
    const off = await clusterIpAnswer();
    expect(off.result.verdict).toBe('REACHABLE');
    expect(off.result.endpoints[0].policy?.ingress.reason).toBe('NOT_ENFORCED');
    expect(off.result.path.map((s) => s.rule)).toContain('K8S-NETPOL-NOT-ENFORCED');
    const viaNode2Off = (
      (
        await post('/reachability?detail=full', {
          client: { external: { network: 'PRIVATE', ip: '192.168.9.9' } },
          service: 'web/backend',
        }).expect(200)
      ).body.results as Result[]
    ).find((r) => r.via.kind === 'NODE_PORT' && r.via.address === '192.168.0.2') as Result;
    expect(viaNode2Off.verdict).toBe('REACHABLE');
  });
});

describe('pod and address targets', () => {
  it('answers one POD_IP or IP result over REST and GraphQL, with the deciding policy step', async () => {
    await post('/networkpolicies', {
      namespace: 'web',
      name: 'only-8080',
      podSelector: { matchLabels: { app: 'backend' } },
      ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 8080 }] }],
    }).expect(201);
    await post('/networkpolicies', {
      namespace: 'web',
      name: 'client-out',
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: { matchLabels: { app: 'backend' } } }] },
        { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443 }] },
      ],
    }).expect(201);
    await t.http
      .patch(`/v1/clusters/${clusterId}`)
      .set(bearer(tenant.apiKey))
      .send({ networkPolicyEnforced: true })
      .expect(200);

    const pod = (
      await post('/reachability?detail=full', {
        client: { pod: 'web/client' },
        pod: 'web/backend-a',
        port: 8080,
      }).expect(200)
    ).body;
    expect(pod.service).toBe('web/backend-a');
    expect(pod.summary.verdict).toBe('REACHABLE');
    expect(pod.results).toHaveLength(1);
    expect(pod.results[0]).toMatchObject({
      via: { kind: 'POD_IP', address: '10.244.1.10', port: 8080, protocol: 'TCP' },
      verdict: 'REACHABLE',
      rule: 'K8S-NETPOL-ALLOWED',
    });
    const wrongPort = (
      await post('/reachability?detail=full', {
        client: { pod: 'web/client' },
        pod: 'web/backend-a',
        port: 9090,
      }).expect(200)
    ).body;
    expect(wrongPort.results[0]).toMatchObject({ verdict: 'UNREACHABLE', rule: 'K8S-NETPOL-DENIED-INGRESS' });

    const out = (
      await post('/reachability?detail=full', { client: { pod: 'web/client' }, ip: '203.0.113.7', port: 443 }).expect(
        200,
      )
    ).body;
    expect(out.results[0]).toMatchObject({
      via: { kind: 'IP', address: '203.0.113.7' },
      verdict: 'REACHABLE',
      sourceIp: { reason: 'LEAVES_CLUSTER' },
    });
    const blocked = (
      await post('/reachability?detail=full', { client: { pod: 'web/client' }, ip: '198.51.100.1', port: 443 }).expect(
        200,
      )
    ).body;
    expect(blocked.results[0]).toMatchObject({ verdict: 'UNREACHABLE', rule: 'K8S-NETPOL-DENIED-EGRESS' });

    const graph = await gql<{
      reachability: {
        summary: { verdict: string };
        results: { via: { kind: string }; verdict: string; rule: string }[];
      };
    }>(
      t,
      tenant.apiKey,
      'query($c: String!, $input: ReachabilityInput!) { reachability(clusterId: $c, input: $input, detail: FULL) { summary { verdict } results { via { kind } verdict rule } } }',
      { c: clusterId, input: { client: { pod: 'web/client' }, ip: '198.51.100.1', port: 443, protocol: 'TCP' } },
    );
    expect(graph.errors).toBeUndefined();
    expect(graph.data!.reachability).toMatchObject({
      summary: { verdict: 'UNREACHABLE' },
      results: [{ via: { kind: 'IP' }, verdict: 'UNREACHABLE', rule: 'K8S_NETPOL_DENIED_EGRESS' }],
    });
  });

  it('names the field of a bad target: none or two, no port, protocol with a Service, unknown pod, bad address', async () => {
    const cases: [object, number, string][] = [
      [{ client: { pod: 'web/client' } }, 400, 'service'],
      [{ client: { pod: 'web/client' }, service: 'web/backend', pod: 'web/backend-a', port: 80 }, 400, 'pod'],
      [{ client: { pod: 'web/client' }, pod: 'web/backend-a' }, 400, 'port'],
      [{ client: { pod: 'web/client' }, service: 'web/backend', protocol: 'UDP' }, 400, 'protocol'],
      [{ client: { pod: 'web/client' }, pod: 'web/nope', port: 80 }, 422, 'pod'],
      [{ client: { pod: 'web/client' }, ip: 'not-an-ip', port: 80 }, 400, 'ip'],
      [{ client: { pod: 'web/client' }, ip: 'fd00::1', port: 80 }, 422, 'ip'],
    ];
    for (const [body, status, field] of cases) {
      const res = await post('/reachability', body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });
});

describe('what-if with policy changes', () => {
  it('a policy added, one left out, a namespace relabelled, enforcement switched: before and after, nothing written', async () => {
    const input = { client: { pod: 'web/client' }, pod: 'web/backend-a', port: 8080 };
    const whatIf = (change: object) => post('/what-if', { change, reachability: input });
    const stored = (
      await t.http.get(`/v1/clusters/${clusterId}/networkpolicies`).set(bearer(tenant.apiKey)).expect(200)
    ).body.items.length;
    // Leaving out the policy that allows 8080 to the backends isolates them with nothing allowing the client.
    const res = (
      await whatIf({
        networkPolicies: {
          upsert: [{ namespace: 'web', name: 'deny-all', podSelector: {}, policyTypes: ['Ingress'] }],
          delete: ['web/only-8080', 'web/allow-client'],
        },
      }).expect(200)
    ).body;
    expect(res.before.reachability.summary.verdict).toBe('REACHABLE');
    expect(res.after.reachability.summary.verdict).toBe('UNREACHABLE');
    expect(res.after.reachability.groups[0].endpoints[0].policy.ingress.policies).toEqual(['web/deny-all']);
    expect(res.differences.flatMap((d: { changed: string[] }) => d.changed)).toContain('verdict');
    // An allow-list by namespace label starts to match once the namespace carries it.
    const byLabel = {
      namespace: 'web',
      name: 'from-team-a',
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }] }],
    };
    const without = (
      await whatIf({ networkPolicies: { upsert: [byLabel], delete: ['web/only-8080', 'web/allow-client'] } }).expect(
        200,
      )
    ).body;
    expect(without.after.reachability.summary.verdict).toBe('UNREACHABLE');
    const labelled = (
      await whatIf({
        networkPolicies: { upsert: [byLabel], delete: ['web/only-8080', 'web/allow-client'] },
        namespaces: [{ name: 'web', labels: { team: 'a' } }],
      }).expect(200)
    ).body;
    expect(labelled.after.reachability.summary.verdict).toBe('REACHABLE');
    const off = (
      await whatIf({
        networkPolicies: {
          upsert: [{ namespace: 'web', name: 'deny-all', podSelector: {}, policyTypes: ['Ingress'] }],
        },
        networkPolicyEnforced: false,
      }).expect(200)
    ).body;
    expect(off.after.reachability.groups[0].endpoints[0].policy.ingress.reason).toBe('NOT_ENFORCED');
    // Nothing was written.
    expect(
      (await t.http.get(`/v1/clusters/${clusterId}/networkpolicies`).set(bearer(tenant.apiKey)).expect(200)).body.items
        .length,
    ).toBe(stored);
  });

  it('a bad policy or an unknown one to leave out names its field', async () => {
    const input = { client: { pod: 'web/client' }, pod: 'web/backend-a', port: 8080 };
    const bad = await post('/what-if', {
      change: {
        networkPolicies: {
          upsert: [
            {
              namespace: 'web',
              name: 'x',
              ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] }],
            },
          ],
        },
      },
      reachability: input,
    }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('change.networkPolicies.upsert[0].ingress[0].from[0].ipBlock.except[0]');
    const unknown = await post('/what-if', {
      change: { networkPolicies: { delete: ['web/nope'] } },
      reachability: input,
    }).expect(422);
    expect(JSON.stringify(unknown.body)).toContain('change.networkPolicies.delete[0]');
    const label = await post('/what-if', {
      change: { namespaces: [{ name: 'web', labels: { 'kubernetes.io/metadata.name': 'other' } }] },
      reachability: input,
    }).expect(400);
    expect(JSON.stringify(label.body)).toContain('change.namespaces[0]');
  });
});

describe('the policy a suggestion proposes is one the API takes', () => {
  it('ADD_NETWORK_POLICY: POSTed as given, the answer becomes what it promised', async () => {
    const c = (
      await t.http
        .post('/v1/clusters')
        .set(bearer(tenant.apiKey))
        .send({ name: 'netpol-suggest', clusterCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.96.0.0/12'] })
        .expect(201)
    ).body.id;
    const at = (path: string) => `/v1/clusters/${c}${path}`;
    const send = (path: string, body: object) => t.http.post(at(path)).set(bearer(tenant.apiKey)).send(body);
    await send('/nodes', { name: 'n1', internalIps: ['192.168.1.1'], podCidrs: ['10.244.1.0/24'] }).expect(201);
    await send('/pods', {
      namespace: 'shop',
      name: 'db',
      nodeName: 'n1',
      ips: ['10.244.1.5'],
      labels: { app: 'db' },
      containerPorts: [{ name: 'pg', containerPort: 5432 }],
    }).expect(201);
    await send('/pods', {
      namespace: 'web',
      name: 'api',
      nodeName: 'n1',
      ips: ['10.244.1.6'],
      labels: { app: 'api', tier: 'backend' },
    }).expect(201);
    await send('/services', {
      namespace: 'shop',
      name: 'db',
      type: 'ClusterIP',
      selector: { app: 'db' },
      ports: [{ name: 'pg', port: 5432, targetPort: 'pg' }],
    }).expect(201);
    await send('/networkpolicies', {
      namespace: 'shop',
      name: 'deny',
      podSelector: {},
      policyTypes: ['Ingress'],
    }).expect(201);
    const ask = async () =>
      (await send('/reachability?detail=full', { client: { pod: 'web/api' }, service: 'shop/db' }).expect(200)).body
        .results[0];
    const before = await ask();
    expect(before.verdict).toBe('UNREACHABLE');
    const s = before.suggestions.find((x: { code: string }) => x.code === 'ADD_NETWORK_POLICY');
    expect(s.networkPolicy).toMatchObject({
      namespace: 'shop',
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              podSelector: { matchLabels: { app: 'api', tier: 'backend' } },
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 5432 }],
        },
      ],
    });
    await send('/networkpolicies', s.networkPolicy).expect(201);
    const after = await ask();
    expect({ verdict: after.verdict, sourceIpPreserved: after.sourceIp.preserved }).toEqual(s.expected);
    expect(after.verdict).toBe('REACHABLE');
  });
});
