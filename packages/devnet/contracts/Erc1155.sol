// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IErc1155Receiver {
    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external returns (bytes4);
    function onERC1155BatchReceived(address, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        returns (bytes4);
}

/// A standard ERC-1155 with open mints; receiver hooks are called for contract recipients.
contract Erc1155 {
    // Keyed (account, id): the public getter is then the standard balanceOf(address account, uint256 id).
    mapping(address => mapping(uint256 => uint256)) public balanceOf;
    mapping(address => mapping(address => bool)) public isApprovedForAll;

    event TransferSingle(
        address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value
    );
    event TransferBatch(
        address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values
    );
    event ApprovalForAll(address indexed account, address indexed operator, bool approved);
    event URI(string value, uint256 indexed id);

    function mint(address to, uint256 id, uint256 value) external {
        balanceOf[to][id] += value;
        emit TransferSingle(msg.sender, address(0), to, id, value);
        _checkSingle(address(0), to, id, value, "");
    }

    function mintBatch(address to, uint256[] calldata ids, uint256[] calldata values) external {
        require(ids.length == values.length, "ERC1155: length");
        for (uint256 i = 0; i < ids.length; i++) balanceOf[to][ids[i]] += values[i];
        emit TransferBatch(msg.sender, address(0), to, ids, values);
        _checkBatch(address(0), to, ids, values, "");
    }

    function setApprovalForAll(address operator, bool approved) external {
        isApprovedForAll[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes calldata data) external {
        require(from == msg.sender || isApprovedForAll[from][msg.sender], "ERC1155: auth");
        require(to != address(0), "ERC1155: zero");
        require(balanceOf[from][id] >= value, "ERC1155: balance");
        balanceOf[from][id] -= value;
        balanceOf[to][id] += value;
        emit TransferSingle(msg.sender, from, to, id, value);
        _checkSingle(from, to, id, value, data);
    }

    function safeBatchTransferFrom(
        address from,
        address to,
        uint256[] calldata ids,
        uint256[] calldata values,
        bytes calldata data
    ) external {
        require(from == msg.sender || isApprovedForAll[from][msg.sender], "ERC1155: auth");
        require(to != address(0), "ERC1155: zero");
        require(ids.length == values.length, "ERC1155: length");
        for (uint256 i = 0; i < ids.length; i++) {
            require(balanceOf[from][ids[i]] >= values[i], "ERC1155: balance");
            balanceOf[from][ids[i]] -= values[i];
            balanceOf[to][ids[i]] += values[i];
        }
        emit TransferBatch(msg.sender, from, to, ids, values);
        _checkBatch(from, to, ids, values, data);
    }

    function _checkSingle(address from, address to, uint256 id, uint256 value, bytes memory data) internal {
        if (to.code.length == 0) return;
        bytes4 ret = IErc1155Receiver(to).onERC1155Received(msg.sender, from, id, value, data);
        require(ret == IErc1155Receiver.onERC1155Received.selector, "ERC1155: rejected");
    }

    function _checkBatch(address from, address to, uint256[] memory ids, uint256[] memory values, bytes memory data)
        internal
    {
        if (to.code.length == 0) return;
        bytes4 ret = IErc1155Receiver(to).onERC1155BatchReceived(msg.sender, from, ids, values, data);
        require(ret == IErc1155Receiver.onERC1155BatchReceived.selector, "ERC1155: rejected");
    }
}
