export function HomePage() {
  return <section className="card">Timeline (being built)</section>;
}
