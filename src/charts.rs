//! SVG charts for reports (plotters' SVG backend: no fonts or network needed
//! to draw or to view them).
//!
//! Charts are pictures: their numbers are `f64` approximations of exact
//! results and decide nothing.

use plotters::prelude::*;

/// Grouped bars: one group per label (e.g. mechanism), one bar per series
/// (e.g. choice) in each group.
#[derive(Clone, Debug)]
pub struct BarChart {
    /// Title drawn above the chart.
    pub title: String,
    /// X axis description.
    pub x_label: String,
    /// Y axis description.
    pub y_label: String,
    /// Series names (legend), in bar order within a group.
    pub series: Vec<String>,
    /// Groups: a label and one value per series.
    pub groups: Vec<(String, Vec<f64>)>,
    /// A second panel under the bars: what each group counts toward a
    /// quorum, with the quorum as a dashed line.
    pub quorum: Option<QuorumPanel>,
}

/// Horizontal bars (one per group) of what counts toward a quorum, and the
/// quorum itself as a dashed vertical line.
#[derive(Clone, Debug)]
pub struct QuorumPanel {
    /// The axis description (e.g. `tokens counted toward the quorum`).
    pub x_label: String,
    /// One bar per group: its label and the amount counted.
    pub bars: Vec<(String, f64)>,
    /// The quorum.
    pub required: f64,
    /// The line's legend text (e.g. `quorum 400,000`).
    pub line_label: String,
}

/// Lines through points, e.g. Lorenz curves.
#[derive(Clone, Debug)]
pub struct LineChart {
    /// Title drawn above the chart.
    pub title: String,
    /// X axis description.
    pub x_label: String,
    /// Y axis description.
    pub y_label: String,
    /// Named series of (x, y) points.
    pub series: Vec<(String, Vec<(f64, f64)>)>,
    /// Draw the diagonal y = x (perfect equality on a Lorenz chart).
    pub diagonal: bool,
}

/// Width and height of a chart, in SVG pixels (the HTML scales it down
/// to fit narrower screens).
const SIZE: (u32, u32) = (760, 420);
/// Height of the quorum panel per bar, and its axes.
const QUORUM_ROW: u32 = 34;
const QUORUM_AXES: u32 = 90;

/// Font sizes as plotters takes them: it draws text at 1/1.24 of the
/// size asked, so these come out at about 21, 15 and 14 px.
const TITLE_FONT: f64 = 26.0;
const AXIS_FONT: f64 = 19.0;
const TICK_FONT: f64 = 17.0;

fn color(i: usize) -> RGBColor {
    const PALETTE: [RGBColor; 8] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
    ];
    PALETTE[i % PALETTE.len()]
}

/// A tick value for people: `1.5M`, `250k`, `12`, `0.25` (pictures only).
fn compact(v: f64) -> String {
    let a = v.abs();
    let (scaled, suffix) = if a >= 1e12 {
        (v / 1e12, "T")
    } else if a >= 1e9 {
        (v / 1e9, "B")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let text = format!("{scaled:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{suffix}")
}

/// plotters' SVG made smaller, drawing the same picture: font sizes to one
/// decimal, no `opacity="1"`, no empty text elements, and no repeated
/// points or inner points of horizontal and vertical runs in polylines.
fn tidy(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut lines = svg.lines().peekable();
    while let Some(line) = lines.next() {
        // An empty label: `<text ...>`, an empty line, `</text>`.
        if line.starts_with("<text") && lines.peek() == Some(&"") {
            let mut ahead = lines.clone();
            ahead.next();
            if ahead.next() == Some("</text>") {
                lines.next();
                lines.next();
                continue;
            }
        }
        let mut line = line.replace(" opacity=\"1\"", "");
        if let Some(at) = line.find("font-size=\"") {
            let start = at + "font-size=\"".len();
            if let Some(len) = line[start..].find('"') {
                if let Ok(px) = line[start..start + len].parse::<f64>() {
                    let short = format!("{:.1}", px);
                    let short = short.trim_end_matches('0').trim_end_matches('.');
                    line.replace_range(start..start + len, short);
                }
            }
        }
        if let Some(at) = line.find("points=\"") {
            let start = at + "points=\"".len();
            if let Some(len) = line[start..].find('"') {
                let thin = thin_points(&line[start..start + len]);
                line.replace_range(start..start + len, &thin);
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A polyline's `x,y x,y ...` without repeated points and without the
/// inner points of straight horizontal or vertical runs (the same line).
fn thin_points(points: &str) -> String {
    let mut kept: Vec<(i64, i64)> = Vec::new();
    for p in points.split_whitespace() {
        let parsed = p
            .split_once(',')
            .and_then(|(x, y)| Some((x.parse().ok()?, y.parse().ok()?)));
        let Some((x, y)) = parsed else {
            return points.to_string();
        };
        if kept.last() == Some(&(x, y)) {
            continue;
        }
        if let [.., a, b] = kept[..] {
            let between = |a: i64, b: i64, c: i64| (a <= b && b <= c) || (a >= b && b >= c);
            if (a.0 == b.0 && b.0 == x && between(a.1, b.1, y))
                || (a.1 == b.1 && b.1 == y && between(a.0, b.0, x))
            {
                kept.pop();
            }
        }
        kept.push((x, y));
    }
    kept.iter().map(|(x, y)| format!("{x},{y} ")).collect()
}

/// Draws the bar chart as an SVG document.
pub fn bar_svg(chart: &BarChart) -> String {
    let mut out = String::new();
    let extra = chart.quorum.as_ref().map_or(0, |q| {
        QUORUM_AXES + QUORUM_ROW * u32::try_from(q.bars.len()).unwrap_or(u32::MAX / 64)
    });
    {
        let root = SVGBackend::with_string(&mut out, (SIZE.0, SIZE.1 + extra)).into_drawing_area();
        let _ = draw_bars(&root, chart, extra);
        let _ = root.present();
    }
    tidy(&out)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Width of the legend column right of the bars.
const LEGEND_WIDTH: u32 = 130;

fn draw_bars(
    root: &Area<'_>,
    chart: &BarChart,
    extra: u32,
) -> Result<(), Box<dyn std::error::Error>> {
    root.fill(&WHITE)?;
    let (top_area, bottom) = root.split_vertically(SIZE.1);
    let top_area = top_area.titled(&chart.title, ("sans-serif", TITLE_FONT))?;
    let (plot, legend) = top_area.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    let groups = chart.groups.len().max(1);
    let bars = chart.series.len().max(1);
    let max = chart
        .groups
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0f64, f64::max);
    let top = if max > 0.0 { max * 1.08 } else { 1.0 };
    let mut c = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(56)
        .y_label_area_size(72)
        .build_cartesian_2d(0f64..groups as f64, 0f64..top)?;
    let labels: Vec<String> = chart.groups.iter().map(|(l, _)| l.clone()).collect();
    c.configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .bold_line_style(BLACK.mix(0.12))
        .label_style(("sans-serif", TICK_FONT))
        .axis_desc_style(("sans-serif", AXIS_FONT))
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .x_labels(groups * 2 + 1)
        .y_label_formatter(&|y| compact(*y))
        .x_label_formatter(&|x| {
            let i = x.floor() as usize;
            if (x - i as f64 - 0.5).abs() < 1e-9 {
                labels.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .draw()?;
    let width = 0.8 / bars as f64;
    for s in 0..chart.series.len() {
        let style = color(s).filled();
        c.draw_series(chart.groups.iter().enumerate().map(|(g, (_, values))| {
            let x0 = g as f64 + 0.1 + s as f64 * width;
            let v = values.get(s).copied().unwrap_or(0.0);
            Rectangle::new([(x0, 0.0), (x0 + width * 0.92, v)], style)
        }))?;
    }
    // The legend in its own column, so it never covers a bar.
    for (s, name) in chart.series.iter().enumerate() {
        let y = 24 + 28 * i32::try_from(s).unwrap_or(i32::MAX / 64);
        legend.draw(&Rectangle::new([(4, y), (18, y + 14)], color(s).filled()))?;
        let name = if name.chars().count() > 12 {
            format!("{}…", name.chars().take(11).collect::<String>())
        } else {
            name.clone()
        };
        legend.draw(&Text::new(
            name,
            (24, y - 1),
            ("sans-serif", TICK_FONT).into_font(),
        ))?;
    }
    if let (Some(q), true) = (&chart.quorum, extra > 0) {
        draw_quorum(&bottom, q)?;
    }
    Ok(())
}

/// The quorum panel: one horizontal bar per group, the quorum dashed.
fn draw_quorum(area: &Area<'_>, q: &QuorumPanel) -> Result<(), Box<dyn std::error::Error>> {
    let n = q.bars.len().max(1);
    let max = q.bars.iter().map(|(_, v)| *v).fold(q.required, f64::max);
    // Room on the right for the legend.
    let right = if max > 0.0 { max * 1.4 } else { 1.0 };
    let mut c = ChartBuilder::on(area)
        .margin_left(12)
        .margin_right(24)
        .margin_bottom(8)
        .x_label_area_size(56)
        .y_label_area_size(130)
        .build_cartesian_2d(0f64..right, 0f64..n as f64)?;
    let labels: Vec<String> = q.bars.iter().map(|(l, _)| l.clone()).collect();
    c.configure_mesh()
        .disable_y_mesh()
        .max_light_lines(0)
        .bold_line_style(BLACK.mix(0.12))
        .label_style(("sans-serif", TICK_FONT))
        .axis_desc_style(("sans-serif", AXIS_FONT))
        .x_desc(&q.x_label)
        .x_labels(6)
        .y_labels(n * 2 + 1)
        .x_label_formatter(&|x| compact(*x))
        .y_label_formatter(&|y| {
            let i = y.floor() as usize;
            if (y - i as f64 - 0.5).abs() < 1e-9 {
                // Top to bottom in the groups' order.
                labels
                    .get(n - 1 - i.min(n - 1))
                    .cloned()
                    .unwrap_or_default()
            } else {
                String::new()
            }
        })
        .draw()?;
    let fill = RGBColor(120, 144, 156).filled();
    c.draw_series(q.bars.iter().enumerate().map(|(i, (_, v))| {
        let y = (n - 1 - i) as f64;
        Rectangle::new([(0.0, y + 0.2), (*v, y + 0.8)], fill)
    }))?;
    let red = RGBColor(200, 0, 0);
    c.draw_series(DashedLineSeries::new(
        vec![(q.required, 0.0), (q.required, n as f64)],
        8,
        5,
        red.stroke_width(2),
    ))?
    .label(&q.line_label)
    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], red.stroke_width(2)));
    c.configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.5))
        .label_font(("sans-serif", TICK_FONT))
        .position(SeriesLabelPosition::UpperRight)
        .draw()?;
    Ok(())
}

/// Draws the line chart as an SVG document (axes from 0 to 1 when all
/// points lie in the unit square, else fitted to the data).
pub fn line_svg(chart: &LineChart) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        let _ = draw_lines(&root, chart);
        let _ = root.present();
    }
    tidy(&out)
}

fn draw_lines(root: &Area<'_>, chart: &LineChart) -> Result<(), Box<dyn std::error::Error>> {
    root.fill(&WHITE)?;
    let points = chart.series.iter().flat_map(|(_, p)| p.iter());
    let (mut xmax, mut ymax) = (1.0f64, 1.0f64);
    for &(x, y) in points {
        xmax = xmax.max(x);
        ymax = ymax.max(y);
    }
    let mut c = ChartBuilder::on(root)
        .caption(&chart.title, ("sans-serif", TITLE_FONT))
        .margin(12)
        .x_label_area_size(56)
        .y_label_area_size(72)
        .build_cartesian_2d(0f64..xmax, 0f64..ymax)?;
    c.configure_mesh()
        .max_light_lines(0)
        .bold_line_style(BLACK.mix(0.12))
        .label_style(("sans-serif", TICK_FONT))
        .axis_desc_style(("sans-serif", AXIS_FONT))
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .x_label_formatter(&|x| compact(*x))
        .y_label_formatter(&|y| compact(*y))
        .draw()?;
    if chart.diagonal {
        c.draw_series(LineSeries::new(
            vec![(0.0, 0.0), (1.0, 1.0)],
            BLACK.mix(0.3),
        ))?
        .label("equality")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK.mix(0.3)));
    }
    for (i, (name, pts)) in chart.series.iter().enumerate() {
        let style = color(i).stroke_width(2);
        c.draw_series(LineSeries::new(pts.iter().copied(), style))?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], color(i).stroke_width(2))
            });
    }
    c.configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.5))
        .label_font(("sans-serif", TICK_FONT))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_with_titles_and_axis_labels() {
        let bars = bar_svg(&BarChart {
            title: "Scores by mechanism".into(),
            x_label: "mechanism".into(),
            y_label: "power".into(),
            series: vec!["For".into(), "Against".into()],
            groups: vec![
                ("token-weighted".into(), vec![3.0, 1.0]),
                ("quadratic".into(), vec![2.0, 1.5]),
            ],
            quorum: None,
        });
        assert!(bars.starts_with("<svg"));
        for text in [
            "Scores by mechanism",
            "mechanism",
            "power",
            "For",
            "Against",
            "quadratic",
        ] {
            assert!(bars.contains(text), "{text}");
        }
        assert!(bars.matches("<rect").count() >= 5, "bars drawn");
        let lines = line_svg(&LineChart {
            title: "Lorenz curve".into(),
            x_label: "share of holders".into(),
            y_label: "share of power".into(),
            series: vec![("holders".into(), vec![(0.0, 0.0), (0.5, 0.1), (1.0, 1.0)])],
            diagonal: true,
        });
        for text in [
            "Lorenz curve",
            "share of holders",
            "share of power",
            "equality",
            "<polyline",
        ] {
            assert!(lines.contains(text), "{text}");
        }
    }

    #[test]
    fn chart_text_is_readable_with_no_minor_grid_and_a_dashed_quorum_line() {
        let bars = bar_svg(&BarChart {
            title: "Scores".into(),
            x_label: "mechanism".into(),
            y_label: "share (%)".into(),
            series: vec!["For".into(), "Against".into()],
            groups: vec![("token-weighted".into(), vec![60.0, 40.0])],
            quorum: Some(QuorumPanel {
                x_label: "tokens counted toward the quorum".into(),
                bars: vec![("token-weighted".into(), 500_000.0)],
                required: 400_000.0,
                line_label: "quorum 400,000".into(),
            }),
        });
        let lines = line_svg(&LineChart {
            title: "Lorenz".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            series: vec![("a".into(), vec![(0.0, 0.0), (1.0, 1.0)])],
            diagonal: false,
        });
        for svg in [&bars, &lines] {
            // plotters' minor grid is drawn at opacity 0.1.
            assert!(!svg.contains("opacity=\"0.1\""), "a minor grid is drawn");
            for size in svg.split("font-size=\"").skip(1) {
                let px: f64 = size[..size.find('"').unwrap()].parse().unwrap();
                assert!(px >= 13.0, "text at {px} px");
            }
        }
        for text in ["quorum 400,000", "tokens counted toward the quorum", "00k"] {
            assert!(bars.contains(text), "{text}");
        }
        assert!(bars.matches("#C80000").count() > 3, "a dashed quorum line");
        assert!(
            bars.contains("<svg width=\"760\" height=\"544\""),
            "a second panel"
        );
    }
}
