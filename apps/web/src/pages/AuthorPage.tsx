export function AuthorPage({ username }: { username: string }) {
  return <section className="card">@{username} (being built)</section>;
}
