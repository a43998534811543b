/** Colours of destinations, by position in their route; the same in bars, sliders and charts. */
export const DESTINATION_COLORS = ['#0ea5e9', '#6366f1', '#10b981', '#f59e0b', '#f43f5e', '#8b5cf6', '#14b8a6', '#f97316'] as const;

export function destinationColor(index: number): string {
  return DESTINATION_COLORS[index % DESTINATION_COLORS.length] ?? '#64748b';
}
