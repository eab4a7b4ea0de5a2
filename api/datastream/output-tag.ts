/** Names a side output; the type parameter is the side output's element type. */
export class OutputTag<T> {
  declare readonly __type?: T;

  constructor(readonly id: string) {
    if (typeof id !== 'string' || id.length === 0) throw new TypeError('an OutputTag needs a non-empty id');
  }
}
