import { Document, isAlias, isMap, isScalar, isSeq, Node, parseAllDocuments } from 'yaml';
import { formatPath, isObject, Segment } from './field';
import { ImportError, ImportWarning } from './types';

/**
 * Text → the flat sequence of objects it holds: JSON (one value) or a YAML stream (many
 * documents, empty ones ignored), with every List (`kind: List`, or a typed list such as
 * `PodList`) unwrapped in place, so objects keep document order. A document that is a bare array
 * (support bundles write `json.Marshal(list.Items)`) is read as a v1 List, with a warning.
 */

export interface RawObject {
  /** 0-based position in the flat sequence; the `index` of reports and errors. */
  index: number;
  value: unknown;
  /** value.kind, or the kind a typed list gives its items; '' when there is none. */
  kind: string;
  /** value.apiVersion, or the list's; '' when there is none. */
  apiVersion: string;
  /** The apiVersion of an enclosing List that is not a Kubernetes List (e.g. the CCE `v3` node list), else null. */
  foreignList: string | null;
  /** Mapping keys that appeared twice inside this object (the last value was kept). */
  duplicateKeys: { field: string; key: string }[];
}

export interface ReadDocument {
  objects: RawObject[];
  /** Warnings that belong to no object (e.g. a duplicate key in a List's own fields). */
  warnings: ImportWarning[];
}

const GROUP_VERSION = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/v\d+((alpha|beta)\d+)?$/;

/** `v1` (the core group has no other version) or `group/vN[alphaM|betaM]`. */
export function isKubernetesApiVersion(apiVersion: string): boolean {
  return apiVersion === 'v1' || GROUP_VERSION.test(apiVersion);
}

export interface Duplicate {
  path: Segment[];
  key: string;
}

/** Mapping keys that occur twice, with the path of the mapping that holds them. */
function findDuplicateKeys(node: Node | null | undefined, path: Segment[], out: Duplicate[]): void {
  if (!node || isAlias(node)) return;
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : null;
      if (key !== null && key !== '<<') {
        if (seen.has(key)) out.push({ path, key });
        seen.add(key);
      }
      if (key !== null) findDuplicateKeys(pair.value as Node | null, [...path, key], out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => findDuplicateKeys(item as Node | null, [...path, i], out));
  }
}

function yamlError(doc: Document, n: number, field: string | null): ImportError {
  const err = doc.errors[0];
  const pos = err.linePos?.[0];
  const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
  const first = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return new ImportError(null, null, null, field ?? '', `invalid YAML in document ${n + 1}${where}: ${first}`);
}

function toJs(doc: Document, n: number): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ImportError(null, null, null, '', `invalid YAML in document ${n + 1}: ${(e as Error).message}`);
  }
}

const YAML_OPTIONS = { uniqueKeys: false, merge: true, prettyErrors: true, strict: false } as const;

/** One YAML document embedded in a string (e.g. a ConfigMap's config.conf); `error` says why it cannot be read. */
export function parseEmbeddedYaml(text: string): { value: unknown; duplicates: Duplicate[]; error: string | null } {
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  const list = Array.isArray(docs) ? docs : [];
  const bad = list.find((d) => d.errors.length);
  if (bad) {
    const pos = bad.errors[0].linePos?.[0];
    const first = bad.errors[0].message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    return {
      value: null,
      duplicates: [],
      error: `invalid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${first}`,
    };
  }
  const values: { doc: Document; value: unknown }[] = [];
  for (const doc of list) {
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      return { value: null, duplicates: [], error: `invalid YAML: ${(e as Error).message}` };
    }
    if (value !== null && value !== undefined) values.push({ doc, value });
  }
  if (values.length > 1) return { value: null, duplicates: [], error: 'holds several YAML documents; expected one' };
  if (values.length === 0) return { value: null, duplicates: [], error: null };
  const duplicates: Duplicate[] = [];
  findDuplicateKeys(values[0].doc.contents as Node, [], duplicates);
  return { value: values[0].value, duplicates, error: null };
}

function isList(value: Record<string, unknown>): boolean {
  const kind = value.kind;
  if (kind === 'List') return true;
  return (
    typeof kind === 'string' &&
    kind.length > 4 &&
    kind.endsWith('List') &&
    (Array.isArray(value.items) || value.items == null) &&
    'items' in value
  );
}

/** A document of the text: its value, its duplicate keys, and what to call it in a warning. */
interface Root {
  value: unknown;
  duplicates: Duplicate[];
  bareArray: string;
}

export function readDocument(
  text: string,
  contentType: 'application/json' | 'application/yaml',
  defaults: { kind: string; apiVersion: string } | null = null,
): ReadDocument {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const roots: Root[] = [];
  if (contentType === 'application/json') {
    if (src.trim() === '') throw new ImportError(null, null, null, '', 'the document is empty');
    try {
      roots.push({ value: JSON.parse(src) as unknown, duplicates: [], bareArray: 'the document is a bare JSON array' });
    } catch (e) {
      throw new ImportError(null, null, null, '', `invalid JSON: ${(e as Error).message}`);
    }
  } else {
    const docs = parseAllDocuments(src, YAML_OPTIONS);
    (Array.isArray(docs) ? docs : []).forEach((doc, n) => {
      if (doc.errors.length) throw yamlError(doc, n, null);
      const value = toJs(doc, n);
      if (value === null || value === undefined) return; // an empty document (or only comments)
      const duplicates: Duplicate[] = [];
      findDuplicateKeys(doc.contents as Node, [], duplicates);
      roots.push({ value, duplicates, bareArray: `YAML document ${n + 1} is a bare sequence` });
    });
  }

  const objects: RawObject[] = [];
  const warnings: ImportWarning[] = [];
  for (const root of roots) {
    const paths: Segment[][] = [];
    const flatten = (
      value: unknown,
      path: Segment[],
      inherited: { kind: string; apiVersion: string } | null,
      foreign: string | null,
    ): void => {
      if (isObject(value) && isList(value)) {
        const listApi = typeof value.apiVersion === 'string' ? value.apiVersion : '';
        const listKind = value.kind as string;
        const kubernetes = listKind === 'List' ? listApi === 'v1' || listApi === '' : isKubernetesApiVersion(listApi);
        const foreignHere = foreign ?? (kubernetes ? null : listApi || '(none)');
        const itemDefaults = listKind === 'List' ? null : { kind: listKind.slice(0, -4), apiVersion: listApi };
        const items = Array.isArray(value.items) ? value.items : [];
        items.forEach((item, i) => flatten(item, [...path, 'items', i], itemDefaults, foreignHere));
        return;
      }
      const obj = isObject(value) ? value : {};
      const own = (k: string): string => (typeof obj[k] === 'string' ? (obj[k] as string) : '');
      let apiVersion = own('apiVersion') || inherited?.apiVersion || '';
      // The CCE management API spells it `apiversion`; use it only to report, never to accept.
      if (foreign !== null && !apiVersion) apiVersion = own('apiversion') || foreign;
      objects.push({
        index: objects.length,
        value,
        kind: own('kind') || inherited?.kind || '',
        apiVersion,
        foreignList: foreign,
        duplicateKeys: [],
      });
      paths.push(path);
    };
    const first = objects.length;
    if (Array.isArray(root.value)) {
      // Unwrapped exactly like a v1 List's items (which sit at ['items', i] rather than [i]).
      warnings.push({ index: -1, kind: 'List', name: null, message: `${root.bareArray}: read as a v1 List` });
      root.value.forEach((item, i) => flatten(item, [i], defaults, null));
    } else {
      flatten(root.value, [], defaults, null);
    }
    for (const dup of root.duplicates) {
      // The innermost object whose path is a prefix of the duplicate's path owns it.
      let owner = -1;
      for (let i = first; i < objects.length; i++) {
        const p = paths[i - first];
        if (
          p.length <= dup.path.length &&
          p.every((s, j) => s === dup.path[j]) &&
          (owner < 0 || p.length > paths[owner - first].length)
        )
          owner = i;
      }
      if (owner >= 0) {
        const rel = dup.path.slice(paths[owner - first].length);
        objects[owner].duplicateKeys.push({ field: formatPath(rel), key: dup.key });
      } else {
        warnings.push({
          index: -1,
          kind: 'List',
          name: null,
          message: `duplicate key "${dup.key}" in ${formatPath(dup.path) || 'the document'}: the last value was kept`,
        });
      }
    }
  }
  return { objects, warnings };
}
