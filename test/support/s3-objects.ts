/** Reading what a job committed to the tests' S3-protocol server. */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/**
 * The lines of every committed part file under `prefix`, sorted. `onOther` is called with the key
 * of any object that is not a committed part file (an in-progress or pending file).
 */
export async function committedS3Rows(
  client: S3Client,
  bucket: string,
  prefix: string,
  onOther: (key: string) => void,
): Promise<string[]> {
  const rows: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const name = object.Key!.slice(prefix.length);
      if (!name.startsWith('part-')) {
        onOther(object.Key!);
        continue;
      }
      const body = await client.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key! }));
      rows.push(...(await body.Body!.transformToString()).split('\n').filter((line) => line !== ''));
    }
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return rows.sort();
}
