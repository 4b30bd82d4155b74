// Turns `nvidia-smi -q` text into a tree by indentation: each line is `Label : value` or a bare section
// label, and deeper lines belong to the nearest shallower one. A labelled value may own children too
// ("HW Slowdown : Not Active" holds "HW Thermal Slowdown"), and labels repeat ("MIG Device", "Process ID").

export interface QNode {
  /** Label as printed, trimmed. */
  label: string
  /** Text after the colon; null for a bare section label. */
  value: string | null
  /** 1-based line number, for errors and warnings. */
  line: number
  indent: number
  children: QNode[]
}

/** Normalised for lookup: lower case, runs of non-alphanumerics as one space ("Ecc Mode" = "ECC Mode"). */
export function labelKey(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, ' ')
    .trim()
}

// "Label    : value" needs space before the colon, so "GPU 00000000:3B:00.0" stays a bare label.
const LABELLED = /^(\s*)([^:]*?\S)\s+:(?:\s(.*))?$/

export function buildTree(text: string): QNode {
  const root: QNode = { label: '', value: null, line: 0, indent: -1, children: [] }
  const stack: QNode[] = [root]
  text.split('\n').forEach((raw, offset) => {
    const line = raw.replace(/\t/g, '    ').replace(/\s+$/, '')
    if (line.trim() === '' || /^=+\s*NVSMI LOG\s*=+$/.test(line.trim())) return
    const indent = line.length - line.trimStart().length
    const match = LABELLED.exec(line)
    const node: QNode = {
      label: (match?.[2] ?? line).trim(),
      value: match ? (match[3] ?? '').trim() : null,
      line: offset + 1,
      indent,
      children: [],
    }
    while ((stack.at(-1)?.indent ?? -1) >= indent) stack.pop()
    ;(stack.at(-1) ?? root).children.push(node)
    stack.push(node)
  })
  return root
}

/** The first child whose label matches one of `labels` (compared by labelKey). */
export function find(node: QNode | undefined, ...labels: string[]): QNode | undefined {
  if (!node) return undefined
  const keys = labels.map(labelKey)
  return node.children.find((candidate) => keys.includes(labelKey(candidate.label)))
}

/** Every child with that label, in order. */
export function findAll(node: QNode | undefined, label: string): QNode[] {
  if (!node) return []
  const key = labelKey(label)
  return node.children.filter((candidate) => labelKey(candidate.label) === key)
}

/** The value at a path of labels, each step a child of the one before; undefined when any step is absent. */
export function valueAt(node: QNode | undefined, ...path: string[]): string | undefined {
  let current = node
  for (const label of path) current = find(current, label)
  return current?.value ?? undefined
}
