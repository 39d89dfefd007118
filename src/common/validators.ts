import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { canonicalIp, parseCidr } from './net';

/** Custom class-validator rules for Kubernetes-shaped input; each message names what is expected. */

/** Longest value a message quotes: an error names what it got without echoing a huge input back. */
const SHOWN_CHARS = 80;

/** A value as an error message quotes it (JSON), cut to SHOWN_CHARS with "..." when longer. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 3)}...` : text;
}

function rule(name: string, test: (value: unknown) => boolean, message: (args: ValidationArguments) => string) {
  return (options?: ValidationOptions): PropertyDecorator =>
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName: propertyName as string,
        options,
        validator: { validate: (value: unknown) => test(value), defaultMessage: message },
      });
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function isDns1123Label(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS1123_LABEL.test(value);
}

export function isDns1123Subdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** A label or annotation key: an optional DNS subdomain prefix and `/`, then a name of ≤ 63 characters. */
function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null && !isDns1123Subdomain(prefix)) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

function isStringMap(value: unknown, valueOk: (v: string) => boolean, maxEntries: number): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= maxEntries && entries.every(([k, v]) => isQualifiedName(k) && typeof v === 'string' && valueOk(v))
  );
}

export const IsIpAddress = rule(
  'isIpAddress',
  (v) => typeof v === 'string' && canonicalIp(v) !== null,
  (a) => `${a.property} must be an IPv4 or IPv6 address, got ${shown(a.value)}`,
);

export const IsCidr = rule(
  'isCidr',
  (v) => typeof v === 'string' && parseCidr(v) !== null,
  (a) => `${a.property} must be a CIDR such as 10.0.0.0/16 or fd00::/64 with no host bits set, got ${shown(a.value)}`,
);

export const IsDns1123Label = rule(
  'isDns1123Label',
  isDns1123Label,
  (a) =>
    `${a.property} must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters), got ${shown(a.value)}`,
);

export const IsDns1123Subdomain = rule(
  'isDns1123Subdomain',
  isDns1123Subdomain,
  (a) =>
    `${a.property} must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253 characters), got ${shown(a.value)}`,
);

export const IsLabelMap = rule(
  'isLabelMap',
  (v) => isStringMap(v, (s) => s.length <= 63 && LABEL_VALUE.test(s), 64),
  (a) =>
    `${a.property} must be an object of at most 64 Kubernetes labels (qualified-name keys, values of at most 63 characters: letters, digits, '-', '_', '.')`,
);

export const IsAnnotationMap = rule(
  'isAnnotationMap',
  (v) => isStringMap(v, (s) => s.length <= 4096, 64),
  (a) =>
    `${a.property} must be an object of at most 64 annotations (qualified-name keys, string values of at most 4096 characters)`,
);

export const IsIntOrPortName = rule(
  'isIntOrPortName',
  (v) =>
    (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535) ||
    (typeof v === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v) && /[a-z]/.test(v) && v.length <= 15),
  (a) =>
    `${a.property} must be a port number (1-65535) or a port name (IANA_SVC_NAME: at most 15 lower-case letters, digits and '-'), got ${shown(a.value)}`,
);

export const IsKubernetesVersion = rule(
  'isKubernetesVersion',
  (v) => typeof v === 'string' && /^v?\d+\.\d+(\.\d+)?(-[0-9A-Za-z.-]+)?$/.test(v),
  (a) => `${a.property} must be a Kubernetes version such as 1.31 or v1.28.3, got ${shown(a.value)}`,
);
