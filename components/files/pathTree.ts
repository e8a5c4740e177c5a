// Paths as a tree: the sidebar's nodes built from the document's flat file paths plus its explicit
// folders, and the path arithmetic the tree and the file operations share.

export interface TreeNode {
  name: string;
  path: string;
  kind: 'file' | 'folder';
  children: TreeNode[];
}

function sortNodes(nodes: TreeNode[]): void {
  nodes.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name, undefined, { numeric: true }) : a.kind === 'folder' ? -1 : 1));
  for (const n of nodes) sortNodes(n.children);
}

export function buildTree(files: Iterable<string>, folders: Iterable<string>): TreeNode[] {
  const root: TreeNode = { name: '', path: '', kind: 'folder', children: [] };
  const folderNodes = new Map<string, TreeNode>([['', root]]);

  const ensureFolder = (path: string): TreeNode => {
    const existing = folderNodes.get(path);
    if (existing) return existing;
    const slash = path.lastIndexOf('/');
    const parent = ensureFolder(slash === -1 ? '' : path.slice(0, slash));
    const node: TreeNode = { name: path.slice(slash + 1), path, kind: 'folder', children: [] };
    parent.children.push(node);
    folderNodes.set(path, node);
    return node;
  };

  for (const folder of folders) ensureFolder(folder);
  for (const file of files) {
    const slash = file.lastIndexOf('/');
    const parent = ensureFolder(slash === -1 ? '' : file.slice(0, slash));
    parent.children.push({ name: file.slice(slash + 1), path: file, kind: 'file', children: [] });
  }
  sortNodes(root.children);
  return root.children;
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name;
}

/** True when `path` is `prefix` itself or lies inside the folder `prefix`. */
export function isWithin(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
