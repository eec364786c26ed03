//! Welds neighbouring shapes: where a vertex of one shape lies on an edge of another (a
//! "T-junction", e.g. where a disc meets a neighbour's straight border, or where a cell's border
//! meets the outline), the vertex is inserted into that edge too. Rounding coordinates later
//! then moves both copies of the point alike, and no sliver opens or overlaps between them.

use geo::{BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect};

/// A vertex this close to an edge (degrees, about a centimetre) lies on it.
const ON_EDGE_DEG: f64 = 1e-7;

fn grow(rect: Rect<f64>) -> Rect<f64> {
    let d = Coord {
        x: ON_EDGE_DEG,
        y: ON_EDGE_DEG,
    };
    Rect::new(rect.min() - d, rect.max() + d)
}

fn meets(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

/// Where `p` falls along the segment a→b (0..1), if it lies on it and is not an end.
fn on_segment(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> Option<f64> {
    let d = b - a;
    let length2 = d.x * d.x + d.y * d.y;
    if length2 == 0.0 {
        return None;
    }
    let t = ((p.x - a.x) * d.x + (p.y - a.y) * d.y) / length2;
    let foot = a + d * t;
    let off = ((p.x - foot.x).powi(2) + (p.y - foot.y).powi(2)).sqrt();
    let from_ends = t * length2.sqrt();
    let to_end = (1.0 - t) * length2.sqrt();
    (off < ON_EDGE_DEG && from_ends > ON_EDGE_DEG && to_end > ON_EDGE_DEG).then_some(t)
}

fn weld_ring(ring: &LineString<f64>, points: &[Coord<f64>]) -> LineString<f64> {
    let mut out = Vec::with_capacity(ring.0.len());
    for edge in ring.lines() {
        out.push(edge.start);
        let mut inserted: Vec<(f64, Coord<f64>)> = points
            .iter()
            .filter_map(|&p| on_segment(p, edge.start, edge.end).map(|t| (t, p)))
            .collect();
        inserted.sort_by(|a, b| a.0.total_cmp(&b.0));
        inserted.dedup_by(|a, b| a.1 == b.1);
        out.extend(inserted.into_iter().map(|(_, p)| p));
    }
    if let Some(&first) = out.first() {
        out.push(first);
    }
    LineString::new(out)
}

/// `shape` with every point of `points` that lies on one of its edges inserted there.
pub fn weld(shape: &MultiPolygon<f64>, points: &[Coord<f64>]) -> MultiPolygon<f64> {
    let Some(rect) = shape.bounding_rect().map(grow) else {
        return shape.clone();
    };
    let near: Vec<Coord<f64>> = points
        .iter()
        .copied()
        .filter(|p| meets(rect, Rect::new(*p, *p)))
        .collect();
    if near.is_empty() {
        return shape.clone();
    }
    MultiPolygon(
        shape
            .0
            .iter()
            .map(|p| {
                Polygon::new(
                    weld_ring(p.exterior(), &near),
                    p.interiors().iter().map(|r| weld_ring(r, &near)).collect(),
                )
            })
            .collect(),
    )
}

/// Every vertex of the shapes.
pub fn vertices<'a>(shapes: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Vec<Coord<f64>> {
    shapes
        .into_iter()
        .flat_map(|s| s.0.iter())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vertex_on_an_edge_is_inserted_in_order_and_others_are_not() {
        let square = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (1.0, 0.0),
                (1.0, 1.0),
                (0.0, 1.0),
                (0.0, 0.0),
            ]),
            vec![],
        )]);
        let points = [
            Coord { x: 0.75, y: 0.0 },
            Coord { x: 0.25, y: 0.0 },
            Coord { x: 0.5, y: 0.5 },  // inside, not on an edge
            Coord { x: 1.0, y: 0.0 },  // already a vertex
            Coord { x: 0.5, y: 1e-3 }, // near, but not on the edge
        ];
        let welded = weld(&square, &points);
        let ring: Vec<(f64, f64)> = welded.0[0]
            .exterior()
            .0
            .iter()
            .map(|c| (c.x, c.y))
            .collect();
        assert_eq!(
            ring,
            vec![
                (0.0, 0.0),
                (0.25, 0.0),
                (0.75, 0.0),
                (1.0, 0.0),
                (1.0, 1.0),
                (0.0, 1.0),
                (0.0, 0.0)
            ]
        );
    }
}
