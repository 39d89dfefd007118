import type { PodPhase, ServiceType } from '../../../engine/model';
import { ipFamily, parseCidr } from '../../../common/net';
import { Field, redactionMarker } from './field';
import {
  ContainerPortRecord,
  EndpointHintsRecord,
  EndpointRecord,
  EndpointSlicePortRecord,
  EndpointSliceRecord,
  LoadBalancerIngressRecord,
  NodeRecord,
  PodRecord,
  ServicePortRecord,
  ServiceRecord,
} from './types';

/**
 * The supported kinds, one reader each. Each takes the object as a Field at path [] and returns a
 * record, or a Skip. A redacted value (see field.ts REDACTION) is left out and its record field
 * listed in `unknown`; where a list holds redacted and real entries, the real ones are kept.
 */

export class Skip {
  constructor(readonly reason: string) {}
}

const STANDARD_ADDRESS_TYPES = new Set(['Hostname', 'InternalIP', 'ExternalIP', 'InternalDNS', 'ExternalDNS']);

/** Why an object cannot be imported at all: its name or namespace is redacted. Null otherwise. */
export function redactedIdentity(o: Field): string | null {
  for (const key of ['name', 'namespace']) {
    const marker = o.get('metadata', key).marker;
    if (marker !== null)
      return `metadata.${key} is redacted (${JSON.stringify(marker)}): an object cannot be imported without its ${key}`;
  }
  return null;
}

export function namespaceOf(o: Field): string {
  const ns = o.get('metadata', 'namespace');
  if (ns.absent || ns.value === '') return 'default';
  return ns.dnsLabel();
}

// ---------------------------------------------------------------------------------------------
// Node

export function readNode(o: Field): NodeRecord {
  const meta = o.at('metadata');
  const name = meta.at('name').dnsSubdomain();
  const ns = meta.at('namespace');
  if (typeof ns.value === 'string' && ns.value !== '') {
    o.ctx.warn(`metadata.namespace "${ns.value}" ignored: a Node is cluster-scoped`);
  }
  const internalIps: string[] = [];
  let externalIp: string | null = null;
  for (const a of o.get('status', 'addresses').list()) {
    const type = a.at('type').string();
    if (type === 'InternalIP') {
      if (a.at('address').redactedAs('internalIps')) continue;
      const ip = a.at('address').ip();
      if (!internalIps.includes(ip)) internalIps.push(ip);
    } else if (type === 'ExternalIP') {
      if (a.at('address').redactedAs('externalIp')) continue;
      const ip = a.at('address').ip();
      if (externalIp === null) externalIp = ip;
      else if (ip !== externalIp)
        o.ctx.warn(`${a.field}: a further ExternalIP ${ip} is ignored; the node's public IP is ${externalIp}`);
    } else if (!STANDARD_ADDRESS_TYPES.has(type)) {
      o.ctx.warn(
        `${a.field}: address type "${type}" is not a standard Kubernetes address type (InternalIP, ExternalIP, Hostname, InternalDNS, ExternalDNS); ignored`,
      );
    }
  }
  if (internalIps.length === 0 && !o.ctx.isUnknown('internalIps'))
    o.ctx.warn('status.addresses has no InternalIP: the node has no address to reach it on');
  const spec = o.at('spec');
  const cidrList = spec.at('podCIDRs').list();
  const single = spec.at('podCIDR');
  const podCidrs = (cidrList.length ? cidrList : single.optString() !== null ? [single] : [])
    .filter((c) => !c.redactedAs('podCidrs'))
    .map((c) => c.cidr());
  const labels = meta.at('labels').labels();
  return o.ctx.withUnknown<NodeRecord>({ name, internalIps, externalIp, podCidrs, labels });
}

// ---------------------------------------------------------------------------------------------
// Pod

const PHASES: readonly PodPhase[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

function containerPorts(container: Field): ContainerPortRecord[] {
  return container
    .at('ports')
    .list()
    .map((p) => ({
      name: p.at('name').optPortName(),
      containerPort: p.at('containerPort').port(),
      protocol: p.at('protocol').protocol(),
    }));
}

export function readPod(o: Field): PodRecord {
  const meta = o.at('metadata');
  const namespace = namespaceOf(o);
  const name = meta.at('name').dnsSubdomain();
  const spec = o.at('spec');
  const status = o.at('status');

  const podIps = status.at('podIPs').list();
  const ips = (
    podIps.length ? podIps.map((p) => p.at('ip')) : status.at('podIP').optString() !== null ? [status.at('podIP')] : []
  )
    .filter((f) => !f.redactedAs('ips'))
    .map((f) => f.ip());
  if (new Set(ips).size !== ips.length) status.at('podIPs').fail('lists the same address twice');
  if (ips.length > 2 || (ips.length === 2 && ipFamily(ips[0]) === ipFamily(ips[1]))) {
    status.at('podIPs').fail('holds at most one address per IP family');
  }

  let phase: PodPhase;
  if (status.at('phase').absent || status.at('phase').value === '') {
    phase = 'Pending';
    o.ctx.warn('no status.phase (a manifest, not a live object?): read as Pending');
  } else {
    phase = status.at('phase').oneOf(PHASES, 'Pending');
  }

  let ready = false;
  for (const c of status.at('conditions').list()) {
    if (c.at('type').value === 'Ready')
      ready = c.at('status').value === 'True' || (o.ctx.yaml && c.at('status').value === true);
  }
  const deletion = meta.at('deletionTimestamp');
  const terminating = !deletion.absent && deletion.value !== '';

  const ports = spec.at('containers').list().flatMap(containerPorts);
  // Sidecars (init containers with restartPolicy Always) are long-running; a Service may name their ports.
  for (const init of spec.at('initContainers').list()) {
    if (init.at('restartPolicy').value === 'Always') ports.push(...containerPorts(init));
  }

  const nodeNameField = spec.at('nodeName');
  return o.ctx.withUnknown<PodRecord>({
    namespace,
    name,
    labels: meta.at('labels').labels(),
    nodeName: nodeNameField.redactedAs('nodeName') ? null : nodeNameField.optDnsSubdomain(),
    ips,
    hostNetwork: spec.at('hostNetwork').bool(false),
    phase,
    ready,
    terminating,
    containerPorts: ports,
  });
}

// ---------------------------------------------------------------------------------------------
// Service

const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer'];
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

function servicePort(p: Field, type: ServiceType, allocatesNodePorts: boolean): ServicePortRecord {
  const nameField = p.at('name');
  const name = nameField.optString() === null ? null : nameField.dnsLabel();
  const protocol = p.at('protocol').protocol();
  const port = p.at('port').port();
  const tp = p.at('targetPort');
  let targetPort: number | string = port;
  if (typeof tp.value === 'string') {
    targetPort = tp.optPortName() ?? port;
  } else if (!tp.absent) {
    targetPort = tp.optPort() ?? port;
  }
  const nodePort = p.at('nodePort').optPort();
  if (type === 'ClusterIP' && nodePort !== null)
    p.at('nodePort').fail('only NodePort and LoadBalancer Services have node ports');
  if (type !== 'ClusterIP' && nodePort === null && allocatesNodePorts) {
    p.ctx.warn(`${p.field}.nodePort is not set: not allocated yet, so the NodePort is unknown`);
  }
  return { name, protocol, port, targetPort, nodePort };
}

function clusterIpsOf(spec: Field, type: ServiceType): { clusterIps: string[]; headless: boolean } {
  const listField = spec.at('clusterIPs');
  const list = listField.list();
  const single = spec.at('clusterIP').optString();
  let raw: { text: string; field: Field }[];
  if (list.length) {
    raw = list.map((f) => ({ text: f.string(), field: f }));
    const redacted = spec.at('clusterIP').marker !== null || raw[0].field.marker !== null;
    if (single !== null && single !== raw[0].text && !redacted)
      spec.at('clusterIP').fail(`must equal clusterIPs[0] (${raw[0].text}), got "${single}"`);
  } else {
    raw = single === null ? [] : [{ text: single, field: spec.at('clusterIP') }];
  }
  raw = raw.filter((r) => !r.field.redactedAs('clusterIps'));
  if (raw.length && raw[0].text === 'None') {
    if (raw.length > 1) listField.fail('"None" (headless) must be the only entry');
    if (type !== 'ClusterIP') raw[0].field.fail(`a ${type} Service cannot be headless (clusterIP None)`);
    return { clusterIps: ['None'], headless: true };
  }
  const ips = raw.map((r) => r.field.ip());
  if (ips.length > 2 || (ips.length === 2 && ipFamily(ips[0]) === ipFamily(ips[1]))) {
    listField.fail('holds at most one address per IP family (dual-stack: one IPv4 and one IPv6)');
  }
  if (ips.length === 0 && !spec.ctx.isUnknown('clusterIps'))
    spec.ctx.warn('no clusterIP: not forwardable until allocated');
  return { clusterIps: ips, headless: false };
}

function loadBalancerIngress(o: Field, type: ServiceType, hostnames: string[]): LoadBalancerIngressRecord[] {
  const ingress: LoadBalancerIngressRecord[] = [];
  // Redacted IPs matter only where load-balancer IPs are read (a LoadBalancer Service).
  const unknownIf = (f: Field) => (type === 'LoadBalancer' ? f.redactedAs('loadBalancerIngress') : f.marker !== null);
  let redacted = false;
  for (const i of o.get('status', 'loadBalancer', 'ingress').list()) {
    if (unknownIf(i.at('ip'))) {
      redacted = true;
      continue;
    }
    if (i.at('ip').optString() === null) {
      const host = i.at('hostname').optString();
      if (host === null) o.ctx.warn(`${i.field} has neither ip nor hostname: ignored`);
      else if (type === 'LoadBalancer' && !i.at('hostname').redactedAs('loadBalancerIngress')) {
        const name = i.at('hostname').dnsSubdomain();
        if (!hostnames.includes(name)) hostnames.push(name);
      }
      continue;
    }
    const ip = i.at('ip').ip();
    const ipMode = i.at('ipMode').oneOf(['VIP', 'Proxy'] as const, 'VIP');
    if (!ingress.some((x) => x.ip === ip)) ingress.push({ ip, ipMode });
  }
  const specIp = o.get('spec', 'loadBalancerIP');
  if (type !== 'LoadBalancer') {
    if (ingress.length || hostnames.length)
      o.ctx.warn(
        `status.loadBalancer.ingress ignored: only a LoadBalancer Service has load-balancer IPs (this one is ${type})`,
      );
    hostnames.length = 0;
    if (specIp.optString() !== null)
      o.ctx.warn(
        `spec.loadBalancerIP ignored: only a LoadBalancer Service has load-balancer IPs (this one is ${type})`,
      );
    return [];
  }
  if (
    ingress.length === 0 &&
    hostnames.length === 0 &&
    !redacted &&
    specIp.optString() !== null &&
    !unknownIf(specIp)
  ) {
    const ip = specIp.ip();
    o.ctx.warn(
      `load-balancer IP ${ip} comes only from spec.loadBalancerIP (no status.loadBalancer.ingress): unconfirmed`,
    );
    ingress.push({ ip, ipMode: 'VIP' });
  }
  return ingress;
}

function sourceRanges(o: Field, type: ServiceType, annotations: Record<string, string>): string[] {
  const field = o.get('spec', 'loadBalancerSourceRanges');
  const entries = field.list();
  if (entries.length && type !== 'LoadBalancer') field.fail('only a LoadBalancer Service takes source ranges');
  const ranges = entries.filter((r) => !r.redactedAs('loadBalancerSourceRanges')).map((r) => r.cidr());
  // The annotation is the cloud load balancer's allowlist (k8s.io/cloud-provider GetLoadBalancerSourceRanges
  // reads it when the field is empty); kube-proxy reads only the field. It stays an annotation, which
  // the analyses read as the load balancer's (a missing fact where the provider may enforce it).
  const annotation = annotations[SOURCE_RANGES_ANNOTATION];
  if (entries.length === 0 && type === 'LoadBalancer' && annotation !== undefined && annotation.trim() !== '') {
    const bad = annotation
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && redactionMarker(s) === null && parseCidr(s) === null);
    o.ctx.warn(
      `annotation ${SOURCE_RANGES_ANNOTATION} kept as the cloud load balancer's allowlist: kube-proxy does not read it (only spec.loadBalancerSourceRanges)` +
        (bad.length ? `; ${bad.map((b) => JSON.stringify(b.slice(0, 60))).join(', ')} not a CIDR, so not counted` : ''),
    );
  }
  return [...new Set(ranges)];
}

export function readService(o: Field): ServiceRecord | Skip {
  const meta = o.at('metadata');
  const namespace = namespaceOf(o);
  const name = meta
    .at('name')
    .dnsLabel("a DNS-1123 label (a Service name: lower-case letters, digits and '-', at most 63 characters)");
  const spec = o.at('spec');
  const typeText = spec.at('type').optString();
  if (typeText === 'ExternalName')
    return new Skip('Service type ExternalName is a DNS alias: no virtual IP and no kube-proxy rules');
  const type = spec.at('type').oneOf(SERVICE_TYPES, 'ClusterIP');

  const selectorField = spec.at('selector');
  let selector = selectorField.keys().length ? selectorField.labels('selector') : null;
  // A selector missing one of its terms would select too many pods: with a term redacted, none is used.
  if (o.ctx.isUnknown('selector')) selector = null;

  const allocatesNodePorts = !(type === 'LoadBalancer' && spec.at('allocateLoadBalancerNodePorts').optBool() === false);
  const ports = spec
    .at('ports')
    .list()
    .map((p) => servicePort(p, type, allocatesNodePorts));
  const { clusterIps, headless } = clusterIpsOf(spec, type);
  if (ports.length === 0 && !headless)
    spec.at('ports').fail('a Service needs at least one port (only a headless Service may have none)');
  const seen = new Map<string, number>();
  ports.forEach((p, i) => {
    if (ports.length > 1 && p.name === null)
      spec.get('ports', i, 'name').fail('is required when a Service has more than one port');
    for (const key of [`${p.port}/${p.protocol}`, ...(p.name ? [`name "${p.name}"`] : [])]) {
      if (seen.has(key)) spec.get('ports', i).fail(`repeats ${key} of ports[${seen.get(key)}]`);
      seen.set(key, i);
    }
  });

  const externalIps = [
    ...new Set(
      spec
        .at('externalIPs')
        .list()
        .filter((f) => !f.redactedAs('externalIps'))
        .map((f) => f.ip()),
    ),
  ];
  const annotations = meta.at('annotations').annotations();
  const external = type !== 'ClusterIP' || externalIps.length > 0;
  const etpField = spec.at('externalTrafficPolicy');
  const externalTrafficPolicy = etpField.oneOf(['Cluster', 'Local'] as const, 'Cluster');
  if (externalTrafficPolicy === 'Local' && !external) {
    etpField.fail('Local applies only to externally reachable Services (NodePort, LoadBalancer, or with externalIPs)');
  }
  const hcField = spec.at('healthCheckNodePort');
  const healthCheckNodePort = hcField.optPort();
  const wantsHealthCheck = type === 'LoadBalancer' && externalTrafficPolicy === 'Local';
  if (healthCheckNodePort !== null && !wantsHealthCheck) {
    hcField.fail('only a LoadBalancer Service with externalTrafficPolicy Local has a health-check node port');
  }
  if (wantsHealthCheck && healthCheckNodePort === null)
    o.ctx.warn('spec.healthCheckNodePort is not set: not allocated yet, so it is unknown');
  if (healthCheckNodePort !== null && ports.some((p) => p.nodePort === healthCheckNodePort)) {
    hcField.fail(`must differ from the Service's node ports (${healthCheckNodePort} is also a nodePort)`);
  }

  // Filled by loadBalancerIngress(): the entries known only by hostname.
  const hostnames: string[] = [];
  return o.ctx.withUnknown<ServiceRecord>({
    namespace,
    name,
    type,
    selector,
    ports,
    clusterIps,
    headless,
    externalIps,
    loadBalancerIngress: loadBalancerIngress(o, type, hostnames),
    loadBalancerHostnames: hostnames,
    loadBalancerSourceRanges: sourceRanges(o, type, annotations),
    externalTrafficPolicy,
    internalTrafficPolicy: spec.at('internalTrafficPolicy').oneOf(['Cluster', 'Local'] as const, 'Cluster'),
    healthCheckNodePort,
    publishNotReadyAddresses: spec.at('publishNotReadyAddresses').bool(false),
    sessionAffinity: spec.at('sessionAffinity').oneOf(['None', 'ClientIP'] as const, 'None'),
    // Range and combination with sessionAffinity: the write rules (service-spec), as for every write.
    sessionAffinityTimeoutSeconds: spec
      .get('sessionAffinityConfig', 'clientIP', 'timeoutSeconds')
      .optInt(-(2 ** 31), 2 ** 31 - 1, 'an integer (seconds)'),
    trafficDistribution: spec.at('trafficDistribution').optString(),
    labels: meta.at('labels').labels(),
    annotations,
  });
}

// ---------------------------------------------------------------------------------------------
// EndpointSlice (discovery.k8s.io/v1 and v1beta1)

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const HOSTNAME_TOPOLOGY = 'kubernetes.io/hostname';
const ZONE_TOPOLOGY = 'topology.kubernetes.io/zone';
/** maxZoneHints of pkg/apis/discovery/validation (forNodes: "May contain a maximum of 8 entries" too). */
const MAX_HINTS = 8;

/** endpoints[].zone (v1beta1: the zone topology label); a redacted zone is left out (unknown). */
function endpointZone(e: Field, beta: boolean): string | null {
  const field = e.at('zone').absent && beta ? e.get('topology', ZONE_TOPOLOGY) : e.at('zone');
  return field.redactedAs('endpoints') ? null : field.optLabelValue();
}

/**
 * The names of one hint list (at most 8, none twice, each valid: validateHints in
 * pkg/apis/discovery/validation/validation.go); a redacted name is left out (unknown).
 */
function hintNames(list: Field, valid: (name: Field) => string): string[] {
  const entries = list.list();
  if (entries.length > MAX_HINTS) list.fail(`holds at most ${MAX_HINTS} entries, got ${entries.length}`);
  const names: string[] = [];
  for (const entry of entries) {
    const name = entry.at('name');
    if (name.redactedAs('endpoints')) continue;
    const value = valid(name);
    if (names.includes(value)) name.fail(`repeats ${JSON.stringify(value)}`);
    names.push(value);
  }
  return names;
}

/** endpoints[].hints: zone names are label values (as the zone label's value), node names DNS-1123 subdomains (as Node names). */
function endpointHints(e: Field): EndpointHintsRecord | null {
  const hints = e.at('hints');
  if (!hints.object()) return null;
  return {
    forZones: hintNames(hints.at('forZones'), (f) => f.labelValue()),
    forNodes: hintNames(hints.at('forNodes'), (f) => f.dnsSubdomain()),
  };
}

function slicePorts(o: Field): EndpointSlicePortRecord[] {
  const out: EndpointSlicePortRecord[] = [];
  for (const p of o.at('ports').list()) {
    const nameField = p.at('name');
    const name = nameField.optString() === null ? null : nameField.dnsLabel();
    const protocol = p.at('protocol').protocol();
    const port = p.at('port').optPort();
    if (port === null) {
      o.ctx.warn(`${p.field}.port is not set ("all ports"): kube-proxy ignores such a port; ignored`);
      continue;
    }
    out.push({ name, port, protocol });
  }
  return out;
}

export function readEndpointSlice(o: Field, beta: boolean): EndpointSliceRecord | Skip {
  const meta = o.at('metadata');
  const namespace = namespaceOf(o);
  const name = meta.at('name').dnsSubdomain();
  const serviceLabel = meta.get('labels', SERVICE_NAME_LABEL);
  if (serviceLabel.marker !== null) {
    return new Skip(
      `the label ${SERVICE_NAME_LABEL} is redacted (${JSON.stringify(serviceLabel.marker)}): the slice's Service is unknown`,
    );
  }
  if (serviceLabel.optString() === null) {
    return new Skip(
      `EndpointSlice without the label ${SERVICE_NAME_LABEL}: it belongs to no Service (kube-proxy ignores it)`,
    );
  }
  const serviceName = serviceLabel.dnsLabel();
  const addressTypeField = o.at('addressType');
  if (addressTypeField.value === 'FQDN')
    return new Skip('EndpointSlice addressType FQDN: kube-proxy uses only IPv4 and IPv6 slices');
  if (addressTypeField.absent) addressTypeField.fail('is required (IPv4 or IPv6)');
  const addressType = addressTypeField.oneOf(['IPv4', 'IPv6'] as const, 'IPv4');
  const family = addressType === 'IPv4' ? 4 : 6;

  const endpoints: EndpointRecord[] = [];
  for (const e of o.at('endpoints').list()) {
    const listed = e.at('addresses').list();
    const addresses = [...new Set(listed.filter((a) => !a.redactedAs('endpoints')).map((a) => a.ip(family)))];
    if (addresses.length === 0) {
      if (listed.length === 0) e.at('addresses').fail('must hold at least one address');
      o.ctx.warn(`${e.field}: every address is redacted: the endpoint is left out`);
      continue;
    }
    const c = e.at('conditions');
    const nodeField =
      e.at('nodeName').optString() === null && beta ? e.get('topology', HOSTNAME_TOPOLOGY) : e.at('nodeName');
    const ref = e.at('targetRef');
    const podField = ref.at('name');
    endpoints.push({
      addresses,
      nodeName: nodeField.redactedAs('endpoints') ? null : nodeField.optDnsSubdomain(),
      ready: c.at('ready').optBool(),
      serving: c.at('serving').optBool(),
      terminating: c.at('terminating').optBool(),
      podName: ref.at('kind').value !== 'Pod' || podField.redactedAs('endpoints') ? null : podField.optString(),
      zone: endpointZone(e, beta),
      hints: endpointHints(e),
    });
  }
  return o.ctx.withUnknown<EndpointSliceRecord>({
    namespace,
    name,
    serviceName,
    addressType,
    ports: slicePorts(o),
    endpoints,
  });
}

// ---------------------------------------------------------------------------------------------
// Endpoints (core v1, legacy): read here, turned into slices only for a Service without slices.

export interface LegacyEndpoints {
  namespace: string;
  name: string;
  subsets: {
    ports: EndpointSlicePortRecord[];
    addresses: { ip: string; nodeName: string | null; podName: string | null; ready: boolean }[];
  }[];
  /** An address, node name or pod name was redacted (and left out). */
  redacted: boolean;
}

export function readEndpoints(o: Field): LegacyEndpoints {
  const namespace = namespaceOf(o);
  const name = o.get('metadata', 'name').dnsSubdomain();
  const subsets = o
    .at('subsets')
    .list()
    .map((s) => {
      const address = (a: Field, ready: boolean) => {
        const ref = a.at('targetRef');
        return {
          ip: a.at('ip').ip(),
          nodeName: a.at('nodeName').redactedAs('endpoints') ? null : a.at('nodeName').optDnsSubdomain(),
          podName:
            ref.at('kind').value !== 'Pod' || ref.at('name').redactedAs('endpoints')
              ? null
              : ref.at('name').optString(),
          ready,
        };
      };
      const known = (a: Field) => !a.at('ip').redactedAs('endpoints');
      return {
        ports: slicePorts(s),
        addresses: [
          ...s
            .at('addresses')
            .list()
            .filter(known)
            .map((a) => address(a, true)),
          ...s
            .at('notReadyAddresses')
            .list()
            .filter(known)
            .map((a) => address(a, false)),
        ],
      };
    });
  return { namespace, name, subsets, redacted: o.ctx.isUnknown('endpoints') };
}

/**
 * Legacy Endpoints → EndpointSlice records, as the EndpointSlice mirroring controller does: one
 * slice per subset and address family, Ready from addresses/notReadyAddresses, other conditions unset.
 * Endpoints with no address at all give one empty slice, so "no endpoints" stays distinct from "no data".
 */
export function endpointsToSlices(ep: LegacyEndpoints, service: ServiceRecord): EndpointSliceRecord[] {
  const slices: EndpointSliceRecord[] = [];
  ep.subsets.forEach((subset, i) => {
    for (const family of [4, 6] as const) {
      const addresses = subset.addresses.filter((a) => ipFamily(a.ip) === family);
      if (addresses.length === 0) continue;
      slices.push({
        namespace: ep.namespace,
        name: `${ep.name}-legacy-${i}${family === 6 ? '-ipv6' : ''}`,
        serviceName: ep.name,
        addressType: family === 4 ? 'IPv4' : 'IPv6',
        ports: subset.ports,
        endpoints: addresses.map((a) => ({
          addresses: [a.ip],
          nodeName: a.nodeName,
          ready: a.ready,
          serving: null,
          terminating: null,
          podName: a.podName,
          zone: null,
          hints: null,
        })),
        ...(ep.redacted ? { unknown: ['endpoints' as const] } : {}),
      });
    }
  });
  if (slices.length === 0) {
    const primary = service.headless ? null : service.clusterIps[0];
    slices.push({
      namespace: ep.namespace,
      name: `${ep.name}-legacy`,
      serviceName: ep.name,
      addressType: primary && ipFamily(primary) === 6 ? 'IPv6' : 'IPv4',
      ports: [],
      endpoints: [],
      ...(ep.redacted ? { unknown: ['endpoints' as const] } : {}),
    });
  }
  return slices;
}
