/**
 * Just enough YAML to write a distribution config: nested maps, lists, and
 * scalars. Strings are always double-quoted (JSON string syntax is valid YAML),
 * so paths and realms need no escaping rules of their own.
 */
export type YamlValue = string | number | boolean | YamlValue[] | { [key: string]: YamlValue };

function scalar(value: string | number | boolean): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function render(value: YamlValue, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (typeof item === 'object') {
        const [first = '', ...rest] = render(item, `${indent}  `);
        return [`${indent}- ${first.trimStart()}`, ...rest];
      }
      return [`${indent}- ${scalar(item)}`];
    });
  }
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => {
      if (typeof item === 'object') return [`${indent}${key}:`, ...render(item, `${indent}  `)];
      return [`${indent}${key}: ${scalar(item)}`];
    });
  }
  return [`${indent}${scalar(value)}`];
}

export function toYaml(doc: { [key: string]: YamlValue }): string {
  return `${render(doc, '').join('\n')}\n`;
}
