// The periods a figure over recent complaints offers (hot words, routing outcomes), in days up
// to now; the server takes 1–365 and defaults to 30.

export const FIGURE_PERIODS = [7, 30, 90] as const
