import { fetchBlob } from '../api.js';

/** Save an API file (CSV/XLSX export, media) under the server's file name. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const { blob, filename } = await fetchBlob(path);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename ?? fallbackName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
