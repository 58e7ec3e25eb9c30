import fs from 'node:fs';

interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count of heap objects by (type, constructor name), from a V8 .heapsnapshot. */
export function heapByConstructor(file: string): Map<string, { count: number; size: number }> {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as HeapSnapshotFile;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]];
    let name =
      type === 'object' || type === 'native' || type === 'closure' ? snap.strings[snap.nodes[i + iName]] : `(${type})`;
    if (type === 'closure') name = `closure ${name || '(anonymous)'}`;
    if (name.length > 60) name = name.slice(0, 57) + '...';
    const key = `${name}`;
    const entry = out.get(key) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += snap.nodes[i + iSize];
    out.set(key, entry);
  }
  return out;
}

/** What N more objects of something cost: (after − before) / perUnits, the largest first. */
export function heapDiff(beforeFile: string, afterFile: string, perUnits: number, top = 25) {
  const before = heapByConstructor(beforeFile);
  const after = heapByConstructor(afterFile);
  const rows: Array<{ name: string; countPerUnit: number; bytesPerUnit: number }> = [];
  for (const [name, a] of after) {
    const b = before.get(name) ?? { count: 0, size: 0 };
    const bytes = (a.size - b.size) / perUnits;
    if (bytes > 8)
      rows.push({
        name,
        countPerUnit: Math.round(((a.count - b.count) / perUnits) * 100) / 100,
        bytesPerUnit: Math.round(bytes),
      });
  }
  rows.sort((x, y) => y.bytesPerUnit - x.bytesPerUnit);
  const total = rows.reduce((acc, r) => acc + r.bytesPerUnit, 0);
  return { totalBytesPerUnit: total, top: rows.slice(0, top) };
}

if (require.main === module) {
  const [before, after, units] = process.argv.slice(2);
  console.log(JSON.stringify(heapDiff(before, after, Number(units) || 1), null, 2));
}
