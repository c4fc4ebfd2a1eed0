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

const SIZE: (u32, u32) = (760, 420);

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

/// Draws the bar chart as an SVG document.
pub fn bar_svg(chart: &BarChart) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        let _ = draw_bars(&root, chart);
        let _ = root.present();
    }
    out
}

fn draw_bars(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    chart: &BarChart,
) -> Result<(), Box<dyn std::error::Error>> {
    root.fill(&WHITE)?;
    let groups = chart.groups.len().max(1);
    let bars = chart.series.len().max(1);
    let max = chart
        .groups
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0f64, f64::max);
    let top = if max > 0.0 { max * 1.1 } else { 1.0 };
    let mut c = ChartBuilder::on(root)
        .caption(&chart.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(80)
        .build_cartesian_2d(0f64..groups as f64, 0f64..top)?;
    let labels: Vec<String> = chart.groups.iter().map(|(l, _)| l.clone()).collect();
    c.configure_mesh()
        .disable_x_mesh()
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .x_labels(groups * 2 + 1)
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
    for (s, name) in chart.series.iter().enumerate() {
        let style = color(s).filled();
        c.draw_series(chart.groups.iter().enumerate().map(|(g, (_, values))| {
            let x0 = g as f64 + 0.1 + s as f64 * width;
            let v = values.get(s).copied().unwrap_or(0.0);
            Rectangle::new([(x0, 0.0), (x0 + width * 0.92, v)], style)
        }))?
        .label(name)
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color(s).filled()));
    }
    c.configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
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
    out
}

fn draw_lines(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    chart: &LineChart,
) -> Result<(), Box<dyn std::error::Error>> {
    root.fill(&WHITE)?;
    let points = chart.series.iter().flat_map(|(_, p)| p.iter());
    let (mut xmax, mut ymax) = (1.0f64, 1.0f64);
    for &(x, y) in points {
        xmax = xmax.max(x);
        ymax = ymax.max(y);
    }
    let mut c = ChartBuilder::on(root)
        .caption(&chart.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(0f64..xmax, 0f64..ymax)?;
    c.configure_mesh()
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
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
        .border_style(BLACK)
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
}
