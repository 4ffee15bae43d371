/// The report's one stylesheet, inlined: system fonts only, nothing fetched.
enum ReportStyle {
    static let css = """
        :root { color-scheme: light; }
        body { margin: 0; padding: 24px 32px 48px; color: #1f2328; background: #ffffff;
          font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans",
            Arial, sans-serif; }
        main { max-width: 1120px; margin: 0 auto; }
        h1 { font-size: 24px; margin: 0 0 4px; word-break: break-word; }
        h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #d1d9e0; }
        h3 { font-size: 15px; margin: 20px 0 6px; }
        code { font: 12.5px ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
        header { display: flex; gap: 24px; align-items: flex-start; }
        .outcome { font-size: 34px; font-weight: 800; letter-spacing: 0.04em; color: #ffffff;
          padding: 6px 18px; border-radius: 8px; }
        .outcome.pass { background: #1a7f37; } .outcome.fail { background: #cf222e; }
        .outcome.error { background: #bc4c00; } .outcome.aborted { background: #6e7781; }
        .outcome.invalid { background: #8250df; }
        .why { margin: 8px 0 0; padding: 8px 12px; border-left: 4px solid #cf222e; background: #fff5f5; }
        .facts th { text-align: left; font-weight: 600; color: #59636e; padding-right: 16px; }
        table { border-collapse: collapse; margin: 4px 0 8px; }
        th, td { padding: 4px 10px; vertical-align: top; text-align: left; }
        thead th { border-bottom: 2px solid #d1d9e0; font-size: 13px; color: #59636e; }
        tbody tr + tr td { border-top: 1px solid #eaeef2; }
        .facts td, .facts th { border: none; padding: 2px 16px 2px 0; }
        .num { font-variant-numeric: tabular-nums; white-space: nowrap; }
        .status { font-weight: 700; font-size: 12px; padding: 1px 8px; border-radius: 10px; color: #ffffff; }
        .status.pass { background: #1a7f37; } .status.fail { background: #cf222e; }
        .status.skip { background: #8c959f; }
        .good { color: #116329; } .bad { color: #cf222e; font-weight: 600; } .muted { color: #59636e; }
        .figure { font-size: 15px; }
        .big { font-size: 26px; font-weight: 700; margin-right: 6px; }
        .legend { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 4px 20px;
          font-size: 13px; }
        .swatch { display: inline-block; width: 14px; height: 10px; margin-right: 5px; vertical-align: baseline;
          border-radius: 2px; }
        .swatch.line { width: 3px; height: 12px; border-radius: 0; }
        .swatch.dashed { width: 0; height: 12px; border-left: 2px dashed #59636e; background: none; }
        svg { display: block; max-width: 100%; height: auto; margin: 8px 0; }
        svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans",
          Arial, sans-serif; font-size: 11px; fill: #1f2328; }
        svg .lane { font-size: 12px; font-weight: 600; }
        svg .detail { font-size: 10px; fill: #59636e; }
        svg .phase { font-size: 10px; fill: #424a53; }
        svg .tick { font-size: 10px; fill: #59636e; }
        svg .rto-label { font-size: 12px; font-weight: 700; }
        svg .mark-label { font-weight: 600; }
        svg .on-colour { fill: #ffffff; font-weight: 600; }
        svg .halo { paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }
        footer { margin-top: 40px; font-size: 12px; color: #59636e; }
        @media print { body { padding: 0; } h2 { break-after: avoid; } svg, table { break-inside: avoid; } }
        """
}
