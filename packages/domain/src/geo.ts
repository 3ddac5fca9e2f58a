/**
 * Points on the map (WGS 84 degrees), without a GIS dependency: boundaries are GeoJSON (ARCHITECTURE.md).
 */

/**
 * Viet Nam with its islands, rounded outward from the shipped province boundaries (7.18-23.39 N, 102.14-117.83 E).
 * The venues table checks the same box (migration 0019).
 */
export const VIETNAM_BOUNDS = { south: 7, north: 23.5, west: 102, east: 118 } as const;

export interface PointProblem {
  field: 'latitude' | 'longitude';
  code: 'point_incomplete' | 'point_outside_vietnam';
  message: string;
}

/** Why a latitude/longitude pair cannot be stored, or null when it can (both absent is fine: a point is optional). */
export function pointProblem(latitude: number | null | undefined, longitude: number | null | undefined): PointProblem | null {
  const hasLat = latitude !== null && latitude !== undefined;
  const hasLon = longitude !== null && longitude !== undefined;
  if (!hasLat && !hasLon) return null;
  if (!hasLat) return { field: 'latitude', code: 'point_incomplete', message: 'Give the latitude with the longitude (or neither)' };
  if (!hasLon) return { field: 'longitude', code: 'point_incomplete', message: 'Give the longitude with the latitude (or neither)' };
  const b = VIETNAM_BOUNDS;
  if (!Number.isFinite(latitude) || latitude < b.south || latitude > b.north) {
    return { field: 'latitude', code: 'point_outside_vietnam', message: `A latitude in Viet Nam is between ${b.south} and ${b.north} degrees north` };
  }
  if (!Number.isFinite(longitude) || longitude < b.west || longitude > b.east) {
    return { field: 'longitude', code: 'point_outside_vietnam', message: `A longitude in Viet Nam is between ${b.west} and ${b.east} degrees east` };
  }
  return null;
}

type Ring = readonly (readonly number[])[];
export type AreaGeometry = { type: 'Polygon'; coordinates: readonly Ring[] } | { type: 'MultiPolygon'; coordinates: readonly (readonly Ring[])[] };

/** Ray casting over one ring: whether a horizontal ray from the point crosses its edges an odd number of times. */
function crossesOdd(ring: Ring, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Whether a point [longitude, latitude] lies inside a GeoJSON Polygon or MultiPolygon: inside a polygon's outer ring
 * and outside its holes (even-odd over the polygon's rings), in any of the polygons.
 */
export function pointInGeometry(point: readonly [number, number], geometry: AreaGeometry): boolean {
  const [x, y] = point;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.some((rings) => rings.reduce((inside, ring) => (crossesOdd(ring, x, y) ? !inside : inside), false));
}
