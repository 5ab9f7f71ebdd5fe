import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_DIR } from '@ledger/testing';
import { type Dashboard, dashboardProblems, expressionsOf, unknownMetrics } from './grafana-dashboard.rules';
import { metricDefinitions, seriesNames } from './metric-definitions';
import { metricNamesIn } from './promql.metrics';

const DASHBOARD_FILE = join(CHART_DIR, 'dashboards/ledger-dashboard.json');

describe('the Grafana dashboard (k8s/ledger/dashboards/ledger-dashboard.json)', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
  let known: Set<string>;

  beforeAll(async () => {
    known = seriesNames(await metricDefinitions());
  });

  it('is a dashboard Grafana can import: identity, grid, panels with queries, defined variables', () => {
    expect(dashboardProblems(dashboard)).toEqual([]);
  });

  it('queries only metrics the apps define', () => {
    expect(known.has('ledger_commands_total')).toBe(true);
    expect(unknownMetrics(expressionsOf(dashboard), known)).toEqual([]);
  });

  it('shows what an operator watches: commands, conflicts, relay lag and open transactions, consumer and projection lag, dead letters, parked accounts', () => {
    const used = new Set(expressionsOf(dashboard).flatMap(metricNamesIn));
    expect([...used]).toEqual(
      expect.arrayContaining([
        'ledger_commands_total',
        'ledger_command_duration_seconds_bucket',
        'ledger_command_conflicts_total',
        'ledger_relay_oldest_unrelayed_event_age_seconds',
        'ledger_relay_lag_events',
        'ledger_relay_oldest_open_transaction_age_seconds',
        'ledger_projector_consumer_lag_messages',
        'ledger_projector_projection_lag_seconds_bucket',
        'ledger_projector_dead_letters_total',
        'ledger_projector_parked_accounts',
      ]),
    );
  });

  describe('the checks', () => {
    it('catch a misspelt metric, an undefined variable, an overlap and a panel off the grid', () => {
      const panels = dashboard.panels ?? [];
      const broken: Dashboard = {
        ...dashboard,
        panels: [
          ...panels,
          {
            id: 900,
            type: 'timeseries',
            title: 'typo',
            gridPos: { x: 0, y: 0, w: 6, h: 4 },
            targets: [{ refId: 'A', expr: 'rate(ledger_comands_total{namespace=~"$cluster"}[5m])' }],
          },
          {
            id: 901,
            type: 'stat',
            title: 'too wide',
            gridPos: { x: 20, y: 500, w: 8, h: 4 },
            targets: [{ refId: 'A', expr: 'ledger_relay_leader' }],
          },
        ],
      };
      expect(unknownMetrics(expressionsOf(broken), known)).toEqual(['ledger_comands_total']);
      expect(dashboardProblems(broken)).toEqual(
        expect.arrayContaining([
          'panel 900 "typo": uses undefined variable $cluster',
          `panels ${panels[0]?.id} and 900 overlap`,
          'panel 901 "too wide": gridPos {"x":20,"y":500,"w":8,"h":4} is not within the 24-column grid',
        ]),
      );
    });
  });
});
