// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IWeth {
    function withdraw(uint256 amount) external;
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// Unwraps WETH and pays the ETH on, as a DEX router's swap-for-ETH ends: the ETH moves from WETH to the router
/// and from the router to the recipient inside the call (internal transactions only traces reveal).
contract EthRouter {
    address public immutable weth;

    constructor(address weth_) {
        weth = weth_;
    }

    receive() external payable {
        require(msg.sender == weth, "only WETH pays the router");
    }

    function unwrapTo(uint256 amount, address payable to) external {
        require(IWeth(weth).transferFrom(msg.sender, address(this), amount), "transferFrom failed");
        IWeth(weth).withdraw(amount);
        (bool ok, ) = to.call{value: amount}("");
        require(ok, "payment failed");
    }
}
