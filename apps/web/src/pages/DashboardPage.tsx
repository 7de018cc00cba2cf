import '../dashboard/dashboard.css';
import { charts } from '../dashboard/charts.ts';
import { formatDuration } from '../dashboard/format.ts';
import { InstanceTable } from '../dashboard/InstanceTable.tsx';
import { MetricPanel } from '../dashboard/MetricPanel.tsx';
import { ProcedureTable } from '../dashboard/ProcedureTable.tsx';
import { StoreCounts } from '../dashboard/StoreCounts.tsx';
import { TopTweets } from '../dashboard/TopTweets.tsx';
import { useLiveStats } from '../dashboard/useLiveStats.ts';
import { ErrorMessage } from '../ui/ErrorMessage.tsx';
import { pageLocale } from '../ui/locale.ts';
import { usePageTitle } from '../ui/usePageTitle.ts';

const statusText = { connecting: 'Connecting…', live: 'Live', error: 'Disconnected' } as const;

/** `/dashboard`: the server's live operations numbers (system.onStats, one Stats per second). Lazy-loaded by App,
 * so uPlot is fetched only by those who open it. */
export default function DashboardPage() {
  usePageTitle('Dashboard');
  return <Dashboard />;
}

/** The dashboard, keeping the last `historyPoints` Stats (five minutes by default). */
export function Dashboard({ historyPoints }: { historyPoints?: number }) {
  const { latest, samples, status, error, retry } = useLiveStats(historyPoints);
  return (
    <div className="dashboard">
      <header className="card dash-header">
        <h1>Operations dashboard</h1>
        <p className="dash-status">
          <span className={`dash-dot dash-dot-${status}`} aria-hidden="true" />
          <span role="status">{statusText[status]}</span>
          {latest && (
            <span className="muted">
              {' '}
              · updated <time dateTime={latest.at.toISOString()}>{latest.at.toLocaleTimeString(pageLocale)}</time> · up {formatDuration(latest.uptimeMs)}
            </span>
          )}
        </p>
        {status === 'error' && <ErrorMessage error={error} retry={retry} />}
      </header>
      <div className="dash-grid">
        {charts.map((spec) => (
          <MetricPanel key={spec.key} spec={spec} samples={samples} />
        ))}
      </div>
      <div className="dash-columns">
        <StoreCounts store={latest?.store} />
        <TopTweets tweets={latest?.topTweets} />
      </div>
      <InstanceTable stats={latest} />
      <ProcedureTable procedures={latest?.procedures} />
    </div>
  );
}
