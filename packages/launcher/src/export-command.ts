/** `chainlog export`: wired to the processor's exporter (issue 5). */
export async function runExportCommand(_args: string[]): Promise<number> {
  console.error("chainlog export is not available in this build yet");
  return 2;
}
