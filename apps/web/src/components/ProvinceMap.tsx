import 'maplibre-gl/dist/maplibre-gl.css';
import { Alert, Center, Loader } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Map as MapLibreMap, NavigationControl, Popup, setWorkerUrl, type GeoJSONSourceSpecification, type StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import { ProblemAlert } from './ProblemAlert';

// The worker is served from our own origin (no CDN, no blob).
setWorkerUrl(workerUrl);

/** Mainland Viet Nam; the map opens on it rather than on the far islands. */
const VIETNAM_BOUNDS: [[number, number], [number, number]] = [
  [102.1, 8.3],
  [109.6, 23.45],
];
const SOURCE = 'provinces';

function bboxOf(geometry: unknown): [[number, number], [number, number]] | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const walk = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      minX = Math.min(minX, c[0]);
      maxX = Math.max(maxX, c[0]);
      minY = Math.min(minY, c[1]);
      maxY = Math.max(maxY, c[1]);
      return;
    }
    for (const x of c) walk(x);
  };
  const g = geometry as { coordinates?: unknown; geometries?: { coordinates?: unknown }[] } | null;
  if (g?.coordinates) walk(g.coordinates);
  g?.geometries?.forEach((x) => walk(x.coordinates));
  return Number.isFinite(minX) ? [[minX, minY], [maxX, maxY]] : null;
}

function style(data: api.ProvinceFeatureCollection): StyleSpecification {
  return {
    version: 8,
    // No basemap tiles and no glyphs: the only source is our own GeoJSON, so the map works with no network.
    sources: { [SOURCE]: { type: 'geojson', data: data as unknown as GeoJSONSourceSpecification['data'], promoteId: 'code' } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#e8eff2' } },
      {
        id: 'province-fill',
        type: 'fill',
        source: SOURCE,
        paint: {
          'fill-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#9b1c1c', ['boolean', ['feature-state', 'hover'], false], '#e28484', '#f6e3e3'],
          'fill-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 0.75, 0.9],
        },
      },
      { id: 'province-line', type: 'line', source: SOURCE, paint: { 'line-color': '#7f1414', 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.5, 9, 1.5] } },
    ],
  };
}

export interface ProvinceMapProps {
  /** The province to highlight (and fly to). */
  selectedCode: string | null;
  onSelect: (code: string, name: string) => void;
}

/** Province boundaries from /api/areas/boundaries/provinces.geojson, drawn with MapLibre; a click selects a province. */
export default function ProvinceMap({ selectedCode, onSelect }: ProvinceMapProps) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const selectedRef = useRef<string | null>(null);
  const onSelectRef = useRef(onSelect);
  const [initError, setInitError] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const boundaries = useQuery({
    queryKey: ['areas', 'boundaries', 'provinces'],
    queryFn: ({ signal }) => api.getProvinceBoundaries(signal),
    staleTime: Infinity,
  });

  useEffect(() => {
    onSelectRef.current = onSelect;
  }, [onSelect]);

  // Create the map once the boundaries are here.
  useEffect(() => {
    const data = boundaries.data;
    if (!data || !container.current) return;
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({
        container: container.current,
        style: style(data),
        bounds: VIETNAM_BOUNDS,
        fitBoundsOptions: { padding: 16 },
        attributionControl: false,
        dragRotate: false,
        pitchWithRotate: false,
        maxZoom: 11,
        minZoom: 3,
      });
    } catch {
      setInitError(true); // no WebGL on this device
      return;
    }
    map.touchZoomRotate.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    mapRef.current = map;
    const popup = new Popup({ closeButton: true, closeOnClick: true, maxWidth: '260px' });
    let hovered: string | null = null;

    const names = new globalThis.Map<string, string>();
    for (const f of data.features) names.set(String(f.properties.code), String(f.properties.name));

    map.on('load', () => setLoaded(true));
    map.on('mousemove', 'province-fill', (e) => {
      const code = e.features?.[0]?.properties?.code;
      if (typeof code !== 'string' && typeof code !== 'number') return;
      map.getCanvas().style.cursor = 'pointer';
      if (hovered !== null && hovered !== String(code)) map.setFeatureState({ source: SOURCE, id: hovered }, { hover: false });
      hovered = String(code);
      map.setFeatureState({ source: SOURCE, id: hovered }, { hover: true });
    });
    map.on('mouseleave', 'province-fill', () => {
      map.getCanvas().style.cursor = '';
      if (hovered !== null) map.setFeatureState({ source: SOURCE, id: hovered }, { hover: false });
      hovered = null;
    });
    map.on('click', 'province-fill', (e) => {
      const props = e.features?.[0]?.properties;
      if (!props) return;
      const code = String(props.code);
      const name = names.get(code) ?? String(props.name ?? code);
      popup.setLngLat(e.lngLat).setText(name).addTo(map);
      onSelectRef.current(code, name);
    });

    return () => {
      popup.remove();
      map.remove();
      mapRef.current = null;
      setLoaded(false);
    };
  }, [boundaries.data]);

  // Highlight the selected province and bring it into view.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    const previous = selectedRef.current;
    if (previous && previous !== selectedCode) map.setFeatureState({ source: SOURCE, id: previous }, { selected: false });
    selectedRef.current = selectedCode;
    if (!selectedCode) return;
    map.setFeatureState({ source: SOURCE, id: selectedCode }, { selected: true });
    const feature = boundaries.data?.features.find((f) => String(f.properties.code) === selectedCode);
    const box = feature ? bboxOf(feature.geometry) : null;
    // Provinces that include far islands would zoom the map out to the sea; keep to the mainland frame then.
    if (box && box[1][0] - box[0][0] < 6) map.fitBounds(box, { padding: 48, maxZoom: 8, duration: 600 });
  }, [selectedCode, loaded, boundaries.data]);

  if (boundaries.isError) {
    return api.isApiError(boundaries.error) && boundaries.error.status === 404 ? (
      <Alert color="gray">{t('areas.noBoundaries')}</Alert>
    ) : (
      <ProblemAlert error={boundaries.error} />
    );
  }
  if (initError) return <Alert color="gray">{t('areas.noWebgl')}</Alert>;
  return (
    <div style={{ position: 'relative', width: '100%', height: '100%' }}>
      <div ref={container} className="sen-map" role="region" aria-label={t('areas.map')} />
      {(!boundaries.data || !loaded) && (
        <Center style={{ position: 'absolute', inset: 0, pointerEvents: 'none' }}>
          <Loader />
        </Center>
      )}
    </div>
  );
}
