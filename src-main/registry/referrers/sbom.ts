/**
 * SBOMs as a package list: SPDX 2.x JSON and CycloneDX JSON, whether stored
 * as an artifact of their own or as the predicate of an in-toto statement
 * (BuildKit's `--sbom`, `cosign attest --type spdxjson|cyclonedx`).
 */
import { isObject, stringOf } from './encoding';
import type { Sbom, SbomPackage } from './types';

/** The SBOM `doc` is, or undefined when it is neither SPDX 2.x nor CycloneDX JSON. */
export function readSbom(doc: unknown): Sbom | undefined {
  const unwrapped = unwrapCosignPredicate(doc);
  if (!isObject(unwrapped)) return undefined;
  if (typeof unwrapped.spdxVersion === 'string' && unwrapped.spdxVersion.startsWith('SPDX-2')) return readSpdx(unwrapped);
  if (unwrapped.bomFormat === 'CycloneDX') return readCycloneDx(unwrapped);
  return undefined;
}

/**
 * Older cosign wrapped predicates it did not know as `{ "Data": ..., "Timestamp": ... }`,
 * with the document as an object or as JSON text.
 */
function unwrapCosignPredicate(doc: unknown): unknown {
  if (!isObject(doc) || !('Data' in doc) || 'spdxVersion' in doc || 'bomFormat' in doc) return doc;
  const data = doc.Data;
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

function spdxLicense(value: unknown): string | undefined {
  const text = stringOf(value);
  return text && text !== 'NOASSERTION' && text !== 'NONE' ? text : undefined;
}

function readSpdx(doc: Record<string, unknown>): Sbom {
  const packages: SbomPackage[] = [];
  for (const p of Array.isArray(doc.packages) ? doc.packages : []) {
    if (!isObject(p)) continue;
    const name = stringOf(p.name);
    if (!name) continue;
    const pkg: SbomPackage = { name };
    const version = stringOf(p.versionInfo);
    if (version) pkg.version = version;
    const license = spdxLicense(p.licenseConcluded) ?? spdxLicense(p.licenseDeclared);
    if (license) pkg.license = license;
    const purl = spdxPurl(p.externalRefs);
    if (purl) pkg.purl = purl;
    packages.push(pkg);
  }
  const sbom: Sbom = { format: 'spdx', specVersion: doc.spdxVersion as string, packages };
  const name = stringOf(doc.name);
  if (name) sbom.name = name;
  return sbom;
}

function spdxPurl(refs: unknown): string | undefined {
  if (!Array.isArray(refs)) return undefined;
  for (const ref of refs) {
    // SPDX 2.2 spells the category PACKAGE_MANAGER, 2.3 PACKAGE-MANAGER; only the type matters.
    if (isObject(ref) && ref.referenceType === 'purl') {
      const locator = stringOf(ref.referenceLocator);
      if (locator) return locator;
    }
  }
  return undefined;
}

function readCycloneDx(doc: Record<string, unknown>): Sbom {
  const packages: SbomPackage[] = [];
  // Components nest (an application's libraries inside it): walked with a stack, not recursion,
  // so a hostile document nested a million levels deep cannot overflow the call stack.
  const stack: unknown[] = Array.isArray(doc.components) ? [...(doc.components as unknown[])].reverse() : [];
  while (stack.length > 0) {
    const c = stack.pop();
    if (!isObject(c)) continue;
    const name = stringOf(c.name);
    if (name) {
      const group = stringOf(c.group);
      const pkg: SbomPackage = { name: group ? `${group}/${name}` : name };
      const version = stringOf(c.version);
      if (version) pkg.version = version;
      const license = cycloneDxLicense(c.licenses);
      if (license) pkg.license = license;
      const purl = stringOf(c.purl);
      if (purl) pkg.purl = purl;
      packages.push(pkg);
    }
    if (Array.isArray(c.components)) for (let i = c.components.length - 1; i >= 0; i--) stack.push(c.components[i]);
  }
  const sbom: Sbom = { format: 'cyclonedx', packages };
  const specVersion = stringOf(doc.specVersion);
  if (specVersion) sbom.specVersion = specVersion;
  const main = isObject(doc.metadata) && isObject(doc.metadata.component) ? stringOf(doc.metadata.component.name) : undefined;
  if (main) sbom.name = main;
  return sbom;
}

/** `[{license: {id}}]`, `[{license: {name}}]` or `[{expression}]`; several are joined with AND. */
function cycloneDxLicense(licenses: unknown): string | undefined {
  if (!Array.isArray(licenses)) return undefined;
  const names: string[] = [];
  for (const entry of licenses) {
    if (!isObject(entry)) continue;
    const expression = stringOf(entry.expression);
    const license = isObject(entry.license) ? (stringOf(entry.license.id) ?? stringOf(entry.license.name)) : undefined;
    const text = expression ?? license;
    if (text && !names.includes(text)) names.push(text);
  }
  return names.length > 0 ? names.join(' AND ') : undefined;
}
