// "Refresh" on the "Certificate Authorities" view title (certscope.ca.refresh). Resolves to what
// the view shows, as plain data (CA -> issued certificates and CRL), handy for scripts and tests.
import type { Services } from '../../services';
import { requireLoop } from '../../broker/loop';
import type { CaTreeNode } from '../../views/caTreeModel';

export type CaViewNode = CaTreeNode & { children?: CaViewNode[] };

export async function refreshCaView(services: Services): Promise<CaViewNode[]> {
  const tree = requireLoop(services).caTree;
  tree.refresh();
  const m = await tree.model();
  const expand = (n: CaTreeNode): CaViewNode => {
    const kids = m.children.get(n.id);
    return kids ? { ...n, children: kids.map(expand) } : { ...n };
  };
  return m.roots.map(expand);
}
