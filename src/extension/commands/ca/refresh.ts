// After a command changed a CA on disk, refresh the views now (the file watcher would too, a
// moment later).
import type { Services } from '../../services';
import { loopOf } from '../../broker/loop';

export function refreshCaViews(services: Services): void {
  loopOf(services)?.caTree.refresh();
}
