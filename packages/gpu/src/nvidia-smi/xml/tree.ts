// Narrowing helpers over what fast-xml-parser returns (plain objects, strings, arrays), so the section
// readers ask for "the text of this child" without casting. An element nvidia-smi left empty or wrote
// as "N/A" where others have children comes back as a string; these helpers treat it as "no children".

export type XmlElement = { readonly [name: string]: unknown }

export function isElement(value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The child element `name`, or undefined when it is absent or holds only text (e.g. "N/A"). */
export function child(parent: unknown, name: string): XmlElement | undefined {
  if (!isElement(parent)) return undefined
  const value = parent[name]
  return isElement(value) ? value : undefined
}

/** The text of child `name`: undefined when absent, '' when empty, and the text when it is a leaf. */
export function text(parent: unknown, name: string): string | undefined {
  if (!isElement(parent)) return undefined
  const value = parent[name]
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (isElement(value) && typeof value['#text'] === 'string') return value['#text']
  return undefined
}

/** The text of an element that holds text instead of children, like `<remapped_rows>N/A</remapped_rows>`. */
export function leafText(parent: unknown, name: string): string | undefined {
  if (!isElement(parent)) return undefined
  const value = parent[name]
  return typeof value === 'string' ? value : undefined
}

/** Children `name` as a list whether the document held one or many (the parser forces arrays for some). */
export function children(parent: unknown, name: string): XmlElement[] {
  if (!isElement(parent)) return []
  const value = parent[name]
  const list = Array.isArray(value) ? value : [value]
  return list.filter(isElement)
}

/** Text at a path of child names: `textAt(gpu, 'gpu_reset_status', 'reset_required')`. */
export function textAt(parent: unknown, ...path: string[]): string | undefined {
  let node: unknown = parent
  for (const name of path.slice(0, -1)) node = child(node, name)
  const last = path.at(-1)
  return last === undefined ? undefined : text(node, last)
}
