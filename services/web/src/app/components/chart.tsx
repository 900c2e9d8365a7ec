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
}: {
  title: string;
  points: Point[];
  format(value: number): string;
}) {
  if (points.length < 2)
    return (
      <figure className="chart">
        <figcaption>{title}</figcaption>
        <p className="muted">Not enough blocks yet.</p>
      </figure>
    );
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  const y0 = Math.min(0, yMin);
  const sx = (x: number) => PAD + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
  const sy = (y: number) => H - PAD - ((y - y0) / (yMax - y0 || 1)) * (H - 2 * PAD);
  const path = points.map((p, i) => `${i ? "L" : "M"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join("");
  const latest = ys[ys.length - 1]!;
  const summary = `latest ${format(latest)}, min ${format(yMin)}, max ${format(yMax)} over ${points.length} blocks`;
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
