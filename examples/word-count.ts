/**
 * Streaming word count, Flink's classic first job: split lines into words, key by word, keep a
 * running count. Prints every updated count (`N> {"word":"to","count":2}` with parallelism > 1).
 *
 *   npx freshet run examples/word-count.ts -p 2
 *   npx freshet run examples/word-count.ts -- path/to/file-or-dir
 */
import { StreamExecutionEnvironment, WatermarkStrategy, type Collector } from 'freshet';
import { FileSource, TextLineInputFormat } from 'freshet/connectors';

const LINES = [
  'To be, or not to be,--that is the question:--',
  "Whether 'tis nobler in the mind to suffer",
  'The slings and arrows of outrageous fortune',
  'Or to take arms against a sea of troubles,',
  'And by opposing end them?--To die,--to sleep,--',
  'No more; and by a sleep to say we end',
  'The heartache, and the thousand natural shocks',
  "That flesh is heir to,--'tis a consummation",
  "Devoutly to be wish'd. To die,--to sleep;--",
];

interface WordCount {
  word: string;
  count: number;
}

function tokenize(line: string, out: Collector<WordCount>): void {
  for (const word of line.toLowerCase().split(/\W+/)) {
    if (word.length > 0) out.collect({ word, count: 1 });
  }
}

export default async function main(args: string[]): Promise<void> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const input = args[0];
  const lines =
    input === undefined
      ? env.fromElements(...LINES)
      : env.fromSource(
          FileSource.forRecordStreamFormat(new TextLineInputFormat(), input).build(),
          WatermarkStrategy.noWatermarks(),
          'file-input',
        );
  lines
    .flatMap<WordCount>(tokenize)
    .name('tokenizer')
    .keyBy((wc) => wc.word)
    .sum('count')
    .name('counter')
    .print();
  await env.execute('WordCount');
}
