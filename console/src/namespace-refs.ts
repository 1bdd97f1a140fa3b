/** A namespace of a cluster, as tenants' bindings and workspaces hold it. */
export interface NamespaceRef {
  cluster: string;
  namespace: string;
}

/** Namespaces as a form writes them: one `cluster/namespace` per line. */
export const namespaceRefsText = (refs: readonly NamespaceRef[] | undefined): string => (refs ?? []).map((ref) => `${ref.cluster}/${ref.namespace}`).join('\n');

/** The namespaces the lines say, or the first line that is not `cluster/namespace`. */
export function parseNamespaceRefs(text: string): NamespaceRef[] | { badLine: string } {
  const refs: NamespaceRef[] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '') continue;
    const slash = line.indexOf('/');
    if (slash <= 0 || slash === line.length - 1) return { badLine: line };
    refs.push({ cluster: line.slice(0, slash).trim(), namespace: line.slice(slash + 1).trim() });
  }
  return refs;
}
