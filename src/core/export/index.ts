// Broker configuration export (EMQX 4.x / 5.x, mosquitto). VS Code-free.
export { exportBrokerConfig, emqxDuration, ExportError, EXPORT_FLAVORS, FLAVOR_LABELS } from './brokerConfig';
export type { ExportFlavor, ExportInput } from './brokerConfig';
