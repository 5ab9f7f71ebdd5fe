import { metricNamesIn } from './promql.metrics';

interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}
export interface DashboardPanel {
  readonly id?: number;
  readonly type?: string;
  readonly title?: string;
  readonly gridPos?: GridPos;
  readonly datasource?: { readonly uid?: string };
  readonly targets?: ReadonlyArray<{ readonly refId?: string; readonly expr?: string }>;
}
export interface Dashboard {
  readonly uid?: string;
  readonly title?: string;
  readonly schemaVersion?: number;
  readonly time?: { readonly from?: string; readonly to?: string };
  readonly templating?: { readonly list?: ReadonlyArray<{ readonly name?: string; readonly type?: string }> };
  readonly panels?: readonly DashboardPanel[];
}

const PANEL_TYPES = new Set(['row', 'timeseries', 'stat', 'gauge', 'bargauge', 'table', 'text', 'heatmap', 'piechart']);
const GRID_COLUMNS = 24;

/** Every expr of every panel. */
export const expressionsOf = (dashboard: Dashboard): string[] =>
  (dashboard.panels ?? []).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? ''));

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function panelProblems(panel: DashboardPanel, variables: ReadonlySet<string>): string[] {
  const where = `panel ${panel.id} "${panel.title}"`;
  const problems: string[] = [];
  if (!panel.type || !PANEL_TYPES.has(panel.type)) problems.push(`${where}: unknown type ${panel.type}`);
  if (!panel.title) problems.push(`${where}: no title`);
  const grid = panel.gridPos;
  if (
    !grid ||
    ![grid.x, grid.y, grid.w, grid.h].every((n) => Number.isInteger(n) && n >= 0) ||
    grid.w < 1 ||
    grid.h < 1 ||
    grid.x + grid.w > GRID_COLUMNS
  ) {
    problems.push(`${where}: gridPos ${JSON.stringify(grid)} is not within the ${GRID_COLUMNS}-column grid`);
  }
  if (panel.type === 'row') return problems;
  const targets = panel.targets ?? [];
  if (targets.length === 0) problems.push(`${where}: no queries`);
  const refIds = targets.map((target) => target.refId);
  if (new Set(refIds).size !== refIds.length || refIds.some((refId) => !refId))
    problems.push(`${where}: refIds ${refIds.join(',')} are not unique`);
  for (const target of targets) {
    if (!target.expr?.trim()) problems.push(`${where}: empty expr`);
    for (const [, name] of (target.expr ?? '').matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
      if (!name?.startsWith('__') && !variables.has(name ?? '')) problems.push(`${where}: uses undefined variable $${name}`);
    }
  }
  const uid = panel.datasource?.uid ?? '';
  const datasourceVariable = /^\$\{?(\w+)\}?$/.exec(uid)?.[1];
  if (datasourceVariable && !variables.has(datasourceVariable)) problems.push(`${where}: datasource ${uid} is not a variable`);
  return problems;
}

/**
 * The basics Grafana needs to import the dashboard: identity, time range, a 24-column grid with
 * unique ids and no overlaps, panels of known types with queries, and only defined variables.
 */
export function dashboardProblems(dashboard: Dashboard): string[] {
  const problems: string[] = [];
  if (!dashboard.uid || !/^[\w-]{1,40}$/.test(dashboard.uid)) problems.push(`uid "${dashboard.uid}" is not 1..40 letters, digits, - or _`);
  if (!dashboard.title) problems.push('no title');
  if (!Number.isInteger(dashboard.schemaVersion)) problems.push('no schemaVersion');
  if (!dashboard.time?.from || !dashboard.time.to) problems.push('no time range');
  const panels = dashboard.panels ?? [];
  if (panels.length === 0) problems.push('no panels');
  const ids = panels.map((panel) => panel.id);
  if (ids.some((id) => !Number.isInteger(id)) || new Set(ids).size !== ids.length) problems.push('panel ids are not unique integers');
  const variables = new Set((dashboard.templating?.list ?? []).map((variable) => variable.name ?? ''));
  problems.push(...panels.flatMap((panel) => panelProblems(panel, variables)));
  panels.forEach((panel, index) => {
    for (const other of panels.slice(index + 1)) {
      if (panel.gridPos && other.gridPos && overlaps(panel.gridPos, other.gridPos))
        problems.push(`panels ${panel.id} and ${other.id} overlap`);
    }
  });
  return problems;
}

/** Metric names the expressions read that no app defines. */
export function unknownMetrics(expressions: readonly string[], known: ReadonlySet<string>): string[] {
  return [...new Set(expressions.flatMap(metricNamesIn))].filter((name) => !known.has(name)).sort();
}
