// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IVaultAsset {
    function balanceOf(address) external view returns (uint256);
    function transfer(address, uint256) external returns (bool);
    function transferFrom(address, address, uint256) external returns (bool);
    function mint(address, uint256) external;
}

/// An ERC-4626-style staking vault over one of the devnet's open-mint tokens: shares for deposits, and rewards that
/// accrue every second (minted into the vault at `rewardPerSecond`), so a share is worth more over time. Same
/// Deposit/Withdraw events and share math as ERC-4626; no permit, no fees.
contract StakingVault {
    string public constant name = "Chainlog Staked Vault";
    string public constant symbol = "stVLT";
    uint8 public constant decimals = 18;
    address public immutable asset;
    uint256 public immutable rewardPerSecond;
    uint256 public totalSupply;
    uint256 public lastAccrual;
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares);
    event Withdraw(address indexed sender, address indexed receiver, address indexed owner, uint256 assets, uint256 shares);

    constructor(address asset_, uint256 rewardPerSecond_) {
        asset = asset_;
        rewardPerSecond = rewardPerSecond_;
        lastAccrual = block.timestamp;
    }

    function pendingRewards() public view returns (uint256) {
        return totalSupply == 0 ? 0 : (block.timestamp - lastAccrual) * rewardPerSecond;
    }

    function totalAssets() public view returns (uint256) {
        return IVaultAsset(asset).balanceOf(address(this)) + pendingRewards();
    }

    function convertToShares(uint256 assets) public view returns (uint256) {
        uint256 supply = totalSupply;
        return supply == 0 ? assets : (assets * supply) / totalAssets();
    }

    function convertToAssets(uint256 shares) public view returns (uint256) {
        uint256 supply = totalSupply;
        return supply == 0 ? shares : (shares * totalAssets()) / supply;
    }

    function previewRedeem(uint256 shares) external view returns (uint256) {
        return convertToAssets(shares);
    }

    function deposit(uint256 assets, address receiver) external returns (uint256 shares) {
        _accrue();
        shares = convertToShares(assets);
        require(shares > 0, "Vault: ZERO_SHARES");
        require(IVaultAsset(asset).transferFrom(msg.sender, address(this), assets), "Vault: TRANSFER_FAILED");
        totalSupply += shares;
        balanceOf[receiver] += shares;
        emit Transfer(address(0), receiver, shares);
        emit Deposit(msg.sender, receiver, assets, shares);
    }

    function redeem(uint256 shares, address receiver, address owner) external returns (uint256 assets) {
        require(msg.sender == owner, "Vault: NOT_OWNER");
        _accrue();
        assets = convertToAssets(shares);
        require(assets > 0, "Vault: ZERO_ASSETS");
        balanceOf[owner] -= shares;
        totalSupply -= shares;
        emit Transfer(owner, address(0), shares);
        require(IVaultAsset(asset).transfer(receiver, assets), "Vault: TRANSFER_FAILED");
        emit Withdraw(msg.sender, receiver, owner, assets, shares);
    }

    /// Mints the rewards earned since the last call into the vault (the devnet token's open mint pays them).
    function _accrue() private {
        uint256 reward = pendingRewards();
        lastAccrual = block.timestamp;
        if (reward > 0) IVaultAsset(asset).mint(address(this), reward);
    }
}
