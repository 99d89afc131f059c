// "Refresh" on the "Certificate Authorities" view title (certscope.ca.refresh).
import type { Services } from '../../services';
import { requireLoop } from '../../broker/loop';

export async function refreshCaView(services: Services): Promise<number> {
  const tree = requireLoop(services).caTree;
  tree.refresh();
  return (await tree.model()).roots.length;
}
