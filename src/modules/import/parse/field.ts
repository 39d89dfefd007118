import { canonicalIp, ipFamily, parseCidr, parseMaskedCidr } from '../../../common/net';
import { isDns1123Label, isDns1123Subdomain } from '../../../common/validators';
import { ImportError, ImportWarning } from './types';

/** Typed, path-aware reading of one object, so every complaint names its item and field. */

export type Segment = string | number;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `spec.ports[0].port`, `metadata.labels["app.kubernetes.io/name"]`, `data["config.conf"].mode`. */
export function formatPath(path: readonly Segment[]): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENT.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/**
 * Values that support-bundle tools put where they removed a secret or an address. `***HIDDEN***` is
 * replicatedhq/troubleshoot's MASK_TEXT (pkg/redact/redact.go; its early default redactors masked
 * every IPv4 address, so a CIDR became `***HIDDEN***` followed by `/16`); `***TOKEN_<TYPE>_<12 hex>***` is its
 * optional tokenizer (pkg/redact/tokenizer.go). The others are common hand-made markers.
 */
const REDACTION =
  /^(\*\*\*HIDDEN\*\*\*|\*\*\*REDACTED\*\*\*|<redacted>|REDACTED|\*\*\*TOKEN_[A-Z0-9_]+_[0-9A-F]{12}\*\*\*)(\/\d{1,3})?$/;

/** The value when it is a redaction marker, optionally followed by a CIDR prefix length (`/16`), else null. */
export function redactionMarker(value: unknown): string | null {
  // Every marker is 8 characters or more and starts with '*', '<' or 'R' (or a space): most values are out at once.
  if (typeof value !== 'string' || value.length < 8) return null;
  const first = value.charCodeAt(0);
  if (first !== 42 && first !== 60 && first !== 82 && first > 32) return null;
  return REDACTION.test(value.trim()) ? value : null;
}

/**
 * The object being read: the file it comes from (absent for a single unnamed document), its index
 * there, kind and display name, and where warnings go. It also collects the record fields whose
 * value was redacted (markUnknown).
 */
export class ItemContext {
  private redacted: Set<string> | null = null;

  constructor(
    readonly index: number,
    readonly kind: string,
    public name: string | null,
    private readonly sink: ImportWarning[],
    /** YAML input: YAML 1.1 boolean words (yes/no/on/off) are read as booleans where a boolean is expected. */
    readonly yaml: boolean,
    readonly source?: string,
  ) {}

  warn(message: string): void {
    const w: ImportWarning = { index: this.index, kind: this.kind, name: this.name, message };
    if (this.source !== undefined) w.source = this.source;
    this.sink.push(w);
  }

  /** The record field `model` is unknown (its value, or one of its values, was redacted). */
  markUnknown(model: string): void {
    (this.redacted ??= new Set()).add(model);
  }

  isUnknown(model: string): boolean {
    return this.redacted?.has(model) ?? false;
  }

  /**
   * The record, with `unknown` (sorted) when some field was redacted: records carry the key only
   * when it says something. (Set afterwards rather than spread in: this runs for every object.)
   */
  withUnknown<R extends { unknown?: string[] }>(record: R): R {
    if (this.redacted) record.unknown = [...this.redacted].sort();
    return record;
  }
}

const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const YAML11_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A label or annotation key: an optional DNS-1123 subdomain prefix and `/`, then a name of at most 63 characters. */
export function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null && !isDns1123Subdomain(prefix)) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

/** A port name as Kubernetes validates it (IANA_SVC_NAME): ≤ 15 lower-case letters, digits and '-', with a letter, no '--'. */
export function isPortName(name: string): boolean {
  return name.length <= 15 && IANA_SVC_NAME.test(name) && /[a-z]/.test(name) && !name.includes('--');
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${show(value)}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NO_PATH: readonly Segment[] = [];

/**
 * One value inside the object, with its path. Absent means undefined or null (JSON null = Go zero
 * value). A field below another holds its parent and its own key, not a copy of the path: a
 * document has millions of fields and the path is wanted only for a complaint.
 */
export class Field {
  constructor(
    readonly ctx: ItemContext,
    private readonly base: readonly Segment[],
    readonly value: unknown,
    private readonly parent: Field | null = null,
    private readonly segment: Segment = '',
  ) {}

  get path(): readonly Segment[] {
    return this.parent === null ? this.base : [...this.parent.path, this.segment];
  }

  get field(): string {
    return formatPath(this.path);
  }

  get absent(): boolean {
    return this.value === undefined || this.value === null;
  }

  at(key: Segment): Field {
    const v = this.value as Record<string | number, unknown> | undefined;
    const child = isObject(this.value) || Array.isArray(this.value) ? v?.[key] : undefined;
    return new Field(this.ctx, NO_PATH, child, this, key);
  }

  /** A path below this one, e.g. `f.get('spec', 'ports')`. */
  get(...keys: Segment[]): Field {
    return keys.reduce<Field>((f, k) => f.at(k), this);
  }

  fail(message: string): never {
    throw new ImportError(this.ctx.index, this.ctx.kind, this.ctx.name, this.field, message, this.ctx.source);
  }

  /** The value is a redaction marker (see REDACTION), or null. */
  get marker(): string | null {
    return redactionMarker(this.value);
  }

  /**
   * True when the value is a redaction marker: then the record field `model` is unknown, and a
   * warning names this field. The caller leaves the value out.
   */
  redactedAs(model: string, marker = this.marker): boolean {
    if (marker === null) return false;
    this.ctx.markUnknown(model);
    this.ctx.warn(`${this.field}: redacted (${JSON.stringify(marker)}): unknown`);
    return true;
  }

  /** Requires an object (or absent); returns whether it is present. */
  object(): boolean {
    if (this.absent) return false;
    if (!isObject(this.value)) this.fail(`must be an object, got ${typeName(this.value)}`);
    return true;
  }

  keys(): string[] {
    return this.object() ? Object.keys(this.value as object) : [];
  }

  /** The elements of a list; absent = []. */
  list(): Field[] {
    if (this.absent) return [];
    if (!Array.isArray(this.value)) this.fail(`must be a list, got ${typeName(this.value)}`);
    return (this.value as unknown[]).map((_, i) => this.at(i));
  }

  /** A string; absent (or '' when emptyIsAbsent) = null. */
  optString(emptyIsAbsent = true): string | null {
    if (this.absent) return null;
    if (typeof this.value !== 'string') this.fail(`must be a string, got ${typeName(this.value)}`);
    const s = this.value as string;
    return emptyIsAbsent && s === '' ? null : s;
  }

  string(): string {
    const s = this.optString();
    if (s === null) this.fail('is required');
    return s;
  }

  optBool(): boolean | null {
    if (this.absent) return null;
    if (typeof this.value === 'boolean') return this.value;
    if (this.ctx.yaml && typeof this.value === 'string') {
      if (YAML11_TRUE.has(this.value)) return true;
      if (YAML11_FALSE.has(this.value)) return false;
    }
    return this.fail(`must be a boolean, got ${typeName(this.value)}`);
  }

  bool(fallback: boolean): boolean {
    return this.optBool() ?? fallback;
  }

  optInt(min: number, max: number, what = 'an integer'): number | null {
    if (this.absent) return null;
    const v = this.value;
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`must be ${what}, got ${typeName(v)}`);
    if (v < min || v > max) this.fail(`must be ${what} between ${min} and ${max}, got ${v}`);
    return v;
  }

  /** A port 1-65535; 0 or absent = null (0 is the Go zero value: "not set"). */
  optPort(): number | null {
    if (this.value === 0) return null;
    return this.optInt(1, 65535, 'a port number');
  }

  port(): number {
    const p = this.optPort();
    if (p === null) this.fail('is required (a port number between 1 and 65535)');
    return p;
  }

  oneOf<T extends string>(allowed: readonly T[], fallback: T): T {
    const s = this.optString();
    if (s === null) return fallback;
    if (!(allowed as readonly string[]).includes(s)) this.fail(`must be one of ${allowed.join(', ')}, got ${show(s)}`);
    return s as T;
  }

  ip(family?: 4 | 6): string {
    const s = this.string();
    const ip = canonicalIp(s.trim() === s ? s : '');
    if (ip === null) this.fail(`must be an IPv4 or IPv6 address, got ${show(s)}`);
    if (family && ipFamily(ip) !== family) this.fail(`must be an IPv${family} address, got ${show(s)}`);
    return ip;
  }

  /** A CIDR in canonical form. Host bits set are cleared with a warning (the API server and kube-proxy parse sloppily). */
  cidr(text?: string, field = this.field): string {
    const s = (text ?? this.string()).trim();
    const exact = parseCidr(s);
    if (exact) return exact.text;
    const masked = parseMaskedCidr(s);
    if (masked) {
      this.ctx.warn(`${field}: ${show(s)} has host bits set; read as ${masked.text}`);
      return masked.text;
    }
    return this.fail(`must be a CIDR such as 10.0.0.0/16 or fd00::/64, got ${show(s)}`);
  }

  dnsLabel(what = "a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)"): string {
    const s = this.string();
    if (!isDns1123Label(s)) this.fail(`must be ${what}, got ${show(s)}`);
    return s;
  }

  dnsSubdomain(): string {
    const s = this.string();
    if (!isDns1123Subdomain(s)) {
      this.fail(
        `must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253 characters), got ${show(s)}`,
      );
    }
    return s;
  }

  /** A label value (at most 63 letters, digits, '-', '_', '.'; may be ''), as Kubernetes validates one. */
  labelValue(): string {
    if (this.absent) this.fail('is required');
    if (typeof this.value !== 'string') this.fail(`must be a string, got ${typeName(this.value)}`);
    const s = this.value as string;
    if (s.length > 63 || !LABEL_VALUE.test(s))
      this.fail(`must be a label value (at most 63 letters, digits, '-', '_', '.'), got ${show(s)}`);
    return s;
  }

  /** An optional label value; absent or '' = null. */
  optLabelValue(): string | null {
    return this.absent || this.value === '' ? null : this.labelValue();
  }

  optDnsSubdomain(): string | null {
    return this.absent || this.value === '' ? null : this.dnsSubdomain();
  }

  /** An optional port name (IANA_SVC_NAME); '' = none. */
  optPortName(): string | null {
    const s = this.optString();
    if (s === null) return null;
    if (!isPortName(s))
      this.fail(
        `must be a port name (at most 15 lower-case letters, digits and '-', with at least one letter), got ${show(s)}`,
      );
    return s;
  }

  protocol(): 'TCP' | 'UDP' | 'SCTP' {
    return this.oneOf(['TCP', 'UDP', 'SCTP'] as const, 'TCP');
  }

  /**
   * Labels: qualified-name keys, values of at most 63 characters (letters, digits, '-', '_', '.'), or ''.
   * A redacted key or value (a marker, which is no valid label) is left out with a warning and
   * makes the record field `model` unknown; a marker that is a valid label value (`REDACTED`) is a value.
   */
  labels(model = 'labels'): Record<string, string> {
    return this.stringMap((k, v, f) => {
      if (!isQualifiedName(k)) {
        if (f.redactedAs(model, redactionMarker(k))) return false;
        f.fail(`is not a valid label key`);
      }
      if (v.length > 63 || !LABEL_VALUE.test(v)) {
        if (f.redactedAs(model)) return false;
        f.fail(`must be a label value (at most 63 letters, digits, '-', '_', '.'), got ${show(v)}`);
      }
      return true;
    });
  }

  /** Annotations: qualified-name keys, any string values (kept as they are). */
  annotations(): Record<string, string> {
    return this.stringMap((k, _v, f) => {
      if (!isQualifiedName(k)) f.fail('is not a valid annotation key');
      return true;
    });
  }

  /** A map of strings; `check` may refuse an entry (it is then left out). */
  private stringMap(check: (key: string, value: string, field: Field) => boolean): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of this.keys()) {
      const f = this.at(key);
      const value = f.value;
      if (typeof value !== 'string') return f.fail(`must be a string (quote it in YAML), got ${typeName(value)}`);
      if (check(key, value, f)) out[key] = value;
    }
    return out;
  }
}
