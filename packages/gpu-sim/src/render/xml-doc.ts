// A minimal XML writer that indents with tabs and writes empty containers as an open/close pair on two lines,
// the way nvidia-smi -q -x does, so the simulator's documents read like the captured ones.

export interface XmlNode {
  name: string
  attributes?: Record<string, string>
  /** Text, child elements, or `block` text that nvidia-smi puts on its own indented line ("None"). */
  content: string | readonly XmlNode[] | { block: string }
}

export const el = (name: string, content: XmlNode['content'], attributes?: Record<string, string>): XmlNode =>
  attributes ? { name, content, attributes } : { name, content }

/** Elements only some driver versions print: `...when(layout.v13, el(...))`. */
export const when = (condition: boolean, ...nodes: XmlNode[]): XmlNode[] => (condition ? nodes : [])

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function write(node: XmlNode, depth: number, out: string[]): void {
  const indent = '\t'.repeat(depth)
  const attributes = Object.entries(node.attributes ?? {})
    .map(([key, value]) => ` ${key}="${escapeXml(value).replace(/"/g, '&quot;')}"`)
    .join('')
  const open = `${indent}<${node.name}${attributes}>`
  const close = `</${node.name}>`
  const { content } = node
  if (typeof content === 'string') {
    out.push(`${open}${escapeXml(content)}${close}`)
  } else if ('block' in content) {
    out.push(open, `${indent}\t${escapeXml(content.block)}`, `${indent}${close}`)
  } else {
    out.push(open)
    for (const child of content) write(child, depth + 1, out)
    out.push(`${indent}${close}`)
  }
}

/** The document: XML declaration, DOCTYPE naming the DTD, then the root element. */
export function xmlDocument(root: XmlNode, dtd: string): string {
  const out = ['<?xml version="1.0" ?>', `<!DOCTYPE ${root.name} SYSTEM "${dtd}">`]
  write(root, 0, out)
  return `${out.join('\n')}\n`
}
