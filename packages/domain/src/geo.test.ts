import { describe, expect, it } from 'vitest';
import { pointInGeometry, pointProblem, VIETNAM_BOUNDS, type AreaGeometry } from './geo';

describe('pointProblem', () => {
  it('accepts no point, and a point inside Viet Nam (Hà Nội, Hồ Chí Minh City, Trường Sa)', () => {
    expect(pointProblem(null, null)).toBeNull();
    expect(pointProblem(undefined, undefined)).toBeNull();
    expect(pointProblem(21.0285, 105.8542)).toBeNull();
    expect(pointProblem(10.7769, 106.7009)).toBeNull();
    expect(pointProblem(8.64, 111.92)).toBeNull();
  });
  it('accepts the edges of the box and refuses just past them, naming the field', () => {
    const b = VIETNAM_BOUNDS;
    expect(pointProblem(b.south, b.west)).toBeNull();
    expect(pointProblem(b.north, b.east)).toBeNull();
    expect(pointProblem(b.south - 0.001, 105)).toMatchObject({ field: 'latitude', code: 'point_outside_vietnam' });
    expect(pointProblem(b.north + 0.001, 105)).toMatchObject({ field: 'latitude', code: 'point_outside_vietnam' });
    expect(pointProblem(21, b.west - 0.001)).toMatchObject({ field: 'longitude', code: 'point_outside_vietnam' });
    expect(pointProblem(21, b.east + 0.001)).toMatchObject({ field: 'longitude', code: 'point_outside_vietnam' });
  });
  it('refuses swapped coordinates, non-numbers and half a point', () => {
    expect(pointProblem(105.85, 21.03)).toMatchObject({ field: 'latitude', code: 'point_outside_vietnam' });
    expect(pointProblem(Number.NaN, 105)).toMatchObject({ field: 'latitude' });
    expect(pointProblem(21, Number.POSITIVE_INFINITY)).toMatchObject({ field: 'longitude' });
    expect(pointProblem(21, null)).toMatchObject({ field: 'longitude', code: 'point_incomplete' });
    expect(pointProblem(undefined, 105)).toMatchObject({ field: 'latitude', code: 'point_incomplete' });
  });
});

describe('pointInGeometry', () => {
  // A 10 x 10 square with a 4 x 4 hole in the middle, and a separate small island.
  const square = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]];
  const hole = [[3, 3], [7, 3], [7, 7], [3, 7], [3, 3]];
  const island = [[20, 20], [21, 20], [21, 21], [20, 21], [20, 20]];
  const polygon: AreaGeometry = { type: 'Polygon', coordinates: [square, hole] };
  const multi: AreaGeometry = { type: 'MultiPolygon', coordinates: [[square, hole], [island]] };

  it('is inside the outer ring and outside the hole', () => {
    expect(pointInGeometry([1, 1], polygon)).toBe(true);
    expect(pointInGeometry([9.9, 5], polygon)).toBe(true);
    expect(pointInGeometry([5, 5], polygon)).toBe(false);
    expect(pointInGeometry([11, 5], polygon)).toBe(false);
    expect(pointInGeometry([-0.1, 5], polygon)).toBe(false);
  });
  it('any polygon of a MultiPolygon counts', () => {
    expect(pointInGeometry([20.5, 20.5], multi)).toBe(true);
    expect(pointInGeometry([2, 2], multi)).toBe(true);
    expect(pointInGeometry([15, 15], multi)).toBe(false);
    expect(pointInGeometry([5, 5], multi)).toBe(false);
  });
  it('handles a concave outline', () => {
    // A "U": the notch between the arms is outside.
    const u: AreaGeometry = { type: 'Polygon', coordinates: [[[0, 0], [6, 0], [6, 6], [4, 6], [4, 2], [2, 2], [2, 6], [0, 6], [0, 0]]] };
    expect(pointInGeometry([1, 5], u)).toBe(true);
    expect(pointInGeometry([5, 5], u)).toBe(true);
    expect(pointInGeometry([3, 4], u)).toBe(false);
    expect(pointInGeometry([3, 1], u)).toBe(true);
  });
});
