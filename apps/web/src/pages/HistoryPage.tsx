export function HistoryPage({ id }: { id: string }) {
  return <section className="card">History {id} (being built)</section>;
}
