export interface Point {
  x: number;
  y: number;
}

const W = 320;
const H = 96;
const PAD = 4;

/**
 * A small dependency-free line chart: a charting library would cost more than the whole app. The series is
 * also given in words (latest, min, max) for screen readers, since a picture of a line says nothing to them.
 */
export function LineChart({
  title,
  points,
  format,
  unit = "blocks",
  empty = "Not enough blocks yet.",
  zeroBased = true,
}: {
  title: string;
  points: Point[];
  format(value: number): string;
  /** What the points are, for the spoken summary ("over 30 blocks"). */
  unit?: string;
  empty?: string;
  /**
   * Counts start the axis at zero; a price does not, or a 1% move would be a flat line (the min and max are
   * printed under the chart, so the scale is never hidden).
   */
  zeroBased?: boolean;
}) {
  if (points.length < 2)
    return (
      <figure className="chart">
        <figcaption>{title}</figcaption>
        <p className="muted">{empty}</p>
      </figure>
    );
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  const y0 = zeroBased ? Math.min(0, yMin) : yMin - (yMax - yMin) * 0.1;
  const sx = (x: number) => PAD + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
  const sy = (y: number) => H - PAD - ((y - y0) / (yMax - y0 || 1)) * (H - 2 * PAD);
  const path = points.map((p, i) => `${i ? "L" : "M"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join("");
  const latest = ys[ys.length - 1]!;
  const summary = `latest ${format(latest)}, min ${format(yMin)}, max ${format(yMax)} over ${points.length} ${unit}`;
  return (
    <figure className="chart">
      <figcaption>
        {title}: <strong>{format(latest)}</strong>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${title}: ${summary}`}
        preserveAspectRatio="none"
      >
        <title>{`${title}: ${summary}`}</title>
        <path
          d={`${path}L${sx(x1).toFixed(1)},${H - PAD}L${sx(x0).toFixed(1)},${H - PAD}Z`}
          className="area"
        />
        <path d={path} className="line" />
      </svg>
      <p className="muted small">
        min {format(yMin)} · max {format(yMax)}
      </p>
    </figure>
  );
}
