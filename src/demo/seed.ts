export interface DemoInfo { tenantName: string; clusterName: string; clusterId: string; apiKey: string }
export async function seedDemo(_url: string, _dir: string): Promise<DemoInfo | null> { return null; }
