/** topic0 of every event the decoders know (keccak256 of the canonical signature; checked in signatures.test.ts). */
export const EventTopics = {
  /** ERC-20 and ERC-721 share it; the number of indexed topics tells them apart. */
  Transfer: "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
  /** Approval(address,address,uint256): ERC-20 (value in data) and ERC-721 (tokenId indexed). */
  Approval: "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925",
  ApprovalForAll: "0x17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31",
  TransferSingle: "0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62",
  TransferBatch: "0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb",
  Deposit: "0xe1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c",
  Withdrawal: "0x7fcf532c15f0a6db0bd6d0e038bea71d30d808c7d98cb3bf7268a95bf5081b65",
  SwapV2: "0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822",
  SyncV2: "0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1",
  SwapV3: "0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67",
  /** ERC-4626: a different signature from WETH's Deposit, so the topics never collide. */
  VaultDeposit: "0xdcbc1c05240f31ff3ad067ef1ee35ce4997762752e3a095284754544f4c709d7",
  VaultWithdraw: "0xfbde797d201c681b91056529119e0b02407c7bb96a4a2c75c01fc9667232c8db",
} as const;

export const EventSignatures: Record<keyof typeof EventTopics, string> = {
  Transfer: "Transfer(address,address,uint256)",
  Approval: "Approval(address,address,uint256)",
  ApprovalForAll: "ApprovalForAll(address,address,bool)",
  TransferSingle: "TransferSingle(address,address,address,uint256,uint256)",
  TransferBatch: "TransferBatch(address,address,address,uint256[],uint256[])",
  Deposit: "Deposit(address,uint256)",
  Withdrawal: "Withdrawal(address,uint256)",
  SwapV2: "Swap(address,uint256,uint256,uint256,uint256,address)",
  SyncV2: "Sync(uint112,uint112)",
  SwapV3: "Swap(address,address,int256,int256,uint160,uint128,int24)",
  VaultDeposit: "Deposit(address,address,uint256,uint256)",
  VaultWithdraw: "Withdraw(address,address,address,uint256,uint256)",
};
