/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: every line must be a
 * comment, a `# HELP`/`# TYPE` line or a sample of a family declared by `# TYPE` before it, or it
 * throws naming the line. Enough to tell that a scraper will accept what /metrics answers.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** Family name → its type (counter, gauge, histogram, summary, untyped). */
  types: Map<string, string>;
  samples: Sample[];
  /** The value of the one sample with this name and these labels (at least), or undefined. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const nameRe = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const sampleRe = new RegExp(`^(${nameRe})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  labelRe.lastIndex = 0;
  while (labelRe.lastIndex < text.length) {
    const m = labelRe.exec(text);
    if (m === null) throw new Error(`bad labels in: ${line}`);
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

function parseValue(text: string, line: string): number {
  // Prometheus parses values as Go's ParseFloat does: Inf and NaN in any case (prom-client writes "Nan").
  if (/^\+?inf$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n)) throw new Error(`bad value in: ${line}`);
  return n;
}

const suffixes: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count', ''],
};

/** Parses `text`, throwing on the first line a scraper would reject. */
export function parsePrometheusText(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (m === null) continue; // an ordinary comment
      if (!new RegExp(`^${nameRe}$`).test(m[2]!)) throw new Error(`bad metric name in: ${line}`);
      if (m[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]!))
          throw new Error(`bad type in: ${line}`);
        if (types.has(m[2]!)) throw new Error(`second TYPE for ${m[2]}`);
        types.set(m[2]!, m[3]!);
      }
      continue;
    }
    const m = sampleRe.exec(line);
    if (m === null) throw new Error(`not a sample: ${line}`);
    const name = m[1]!;
    const family = [...types.entries()].find(
      ([f, type]) => name === f || (suffixes[type] ?? []).some((s) => name === f + s),
    );
    if (family === undefined) throw new Error(`sample without a TYPE: ${line}`);
    samples.push({ name, labels: parseLabels(m[2] ?? '', line), value: parseValue(m[3]!, line) });
  }
  return {
    types,
    samples,
    value(name, labels = {}) {
      const found = samples.filter(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );
      if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
      return found[0]?.value;
    },
  };
}
