export function ThreadPage({ id }: { id: string }) {
  return <section className="card">Thread {id} (being built)</section>;
}
