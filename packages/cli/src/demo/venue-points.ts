import fs from 'node:fs';
import path from 'node:path';
import { pointInGeometry, type AreaGeometry } from '@sen/domain';
import { REPO_ROOT } from '@sen/server';
import type { Rng } from './random';

/** The province boundaries shipped for the 2025 set (none ship for 2021: see docs/decisions.md). */
export const PROVINCE_BOUNDARIES = path.join(REPO_ROOT, 'data', 'gazetteers', 'vn2025', 'provinces_34.geojson');

type Ring = number[][];
interface ProvinceFeature {
  properties: { code: string };
  geometry: AreaGeometry;
}

/** How far (degrees, about 2 km) a commune's venues spread around the commune's point. */
const SPREAD = 0.02;
const TRIES = 200;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

function bbox(ring: Ring): [number, number, number, number] {
  const xs = ring.map((p) => p[0]!);
  const ys = ring.map((p) => p[1]!);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/**
 * Points for demo venues, inside their province's polygon: each commune gets a point somewhere in its province (the
 * shipped data has no commune boundaries), and its venues lie around it. Returns null for a place that cannot be
 * given one (a 2021 database: no boundaries ship for that set).
 */
export function venuePlacer(gazetteer: string, rng: Rng): ((provinceCode: string, communeCode: string) => { latitude: number; longitude: number } | null) | null {
  if (gazetteer !== 'vn2025' || !fs.existsSync(PROVINCE_BOUNDARIES)) return null;
  const features = (JSON.parse(fs.readFileSync(PROVINCE_BOUNDARIES, 'utf8')) as { features: ProvinceFeature[] }).features;
  const provinces = new Map(features.map((f) => [String(f.properties.code), f.geometry]));
  const communePoints = new Map<string, [number, number] | null>();

  /** A random point of the province's main polygon (its largest box: the mainland, not the islands). */
  const inProvince = (geometry: AreaGeometry): [number, number] | null => {
    const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as Ring[][];
    const area = (p: Ring[]) => {
      const [x0, y0, x1, y1] = bbox(p[0]!);
      return (x1 - x0) * (y1 - y0);
    };
    const main = polygons.reduce((a, b) => (area(b) > area(a) ? b : a));
    const [x0, y0, x1, y1] = bbox(main[0]!);
    for (let i = 0; i < TRIES; i++) {
      const p: [number, number] = [x0 + rng.next() * (x1 - x0), y0 + rng.next() * (y1 - y0)];
      if (pointInGeometry(p, { type: 'Polygon', coordinates: main })) return p;
    }
    return null;
  };

  return (provinceCode, communeCode) => {
    const geometry = provinces.get(provinceCode);
    if (!geometry) return null;
    if (!communePoints.has(communeCode)) communePoints.set(communeCode, inProvince(geometry));
    const centre = communePoints.get(communeCode);
    if (!centre) return null;
    for (let i = 0; i < TRIES; i++) {
      // Six decimals (about 10 cm), rounded before the test so the stored point is the one tested.
      const p: [number, number] = [round6(centre[0] + (rng.next() * 2 - 1) * SPREAD), round6(centre[1] + (rng.next() * 2 - 1) * SPREAD)];
      if (pointInGeometry(p, geometry)) return { longitude: p[0], latitude: p[1] };
    }
    return { longitude: centre[0], latitude: centre[1] };
  };
}
