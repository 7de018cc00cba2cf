export default function DashboardPage() {
  return <section className="card">Dashboard (being built)</section>;
}
